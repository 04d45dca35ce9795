"""The structural cues of round 4 (playbooks/default/detectors.yaml): each class of wording is caught
in both languages, and good replies built the same way are not flagged."""

from __future__ import annotations

import pytest

from cxcoach.drill import score_reply


def _acts(result, polarity: str) -> set[str]:
    return {b.detector for b in result.behaviours if b.polarity.value == polarity}


@pytest.mark.parametrize("reply, act", [
    # understatement
    ("两天的延误，说到底也不算多大个事。", "dismissive"),
    ("晚点送到也没损失什么吧。", "dismissive"),
    ("Honestly, a ten-minute delay isn't that big of a deal.", "dismissive"),
    ("Lukewarm chips are pretty standard on a Saturday night.", "dismissive"),
    # a question that challenges motives
    ("您说这些对解决问题有什么用？", "challenge"),
    ("我们坑您几十块钱图什么呢？", "challenge"),
    ("Why would anyone fake a meter reading?", "challenge"),
    ("Who told you the upgrade was free?", "challenge"),
    # not my area / sent elsewhere
    ("这单是物流部门负责的，您找他们去。", "deflecting"),
    ("退换货的事不是我经手的。", "deflecting"),
    ("Parcels aren't really something we handle at this desk.", "deflecting"),
    ("Billing queries are dealt with by the accounts team, so you'll have to ring them.", "deflecting"),
    # an apology taken back by a rule
    ("真是抱歉，不过按照公司规定，过了保修期就要收费。", "deflecting"),
    ("I'm sorry, but our policy doesn't cover accidental damage.", "deflecting"),
    # sarcasm and threats back
    ("哎哟喂，您可比我们工程师还懂行。", "rude"),
    ("您要是再在大堂里闹，我们只能叫保安了。", "rude"),
    ("Sure, because we love making customers wait.", "rude"),
    ("If you write one more false review, our legal team will be in touch.", "rude"),
    ("Carry on swearing at my staff and I'll call the police.", "rude"),
    # round 5: rhetorical questions, blame as a plain consequence, feelings put away, money-grab
    # accusations, "I'm only the waiter", insisting we were right, "still edible"
    ("人家抄表员一天跑几百户，您就不能体谅一下？", "challenge"),
    ("Whose fault is it if the PIN goes in wrong three times?", "challenge"),
    ("Is it really necessary to announce that to the whole restaurant?", "challenge"),
    ("您一直在打电话没动筷子，菜当然凉了。", "blame_customer"),
    ("You were on the phone for twenty minutes, of course it went cold.", "blame_customer"),
    ("王先生，您情绪先收一收，我们再谈。", "dismiss_feelings"),
    ("Let's park the emotions for a moment and talk facts.", "dismiss_feelings"),
    ("想讹钱也得找个像样点的理由吧。", "rude"),
    ("If you're after free money, at least come up with a better story.", "rude"),
    ("上菜慢是后厨的问题，我只是服务员。", "deflecting"),
    ("We always get it right first time, this isn't on us.", "arguing"),
    ("就一小片菜叶子，捡出来照样能吃。", "dismissive"),
    # round 6: counterfactual blame, "everyone else", the reaction declared useless, daring, "plenty like you"
    ("If you had registered the warranty, none of this would be a problem.", "blame_customer"),
    ("Why would the charger melt if you'd used the one in the box?", "blame_customer"),
    ("Everybody else reads the terms before signing, sir.", "blame_customer"),
    ("要是您当初选了加急，现在也不至于这样。", "blame_customer"),
    ("其他顾客都能按时取件，怎么就您取不到？", "blame_customer"),
    ("Getting worked up on the phone won't change the bill.", "dismiss_feelings"),
    ("您在这儿发脾气也解决不了问题。", "dismiss_feelings"),
    ("Write your review then, it's not going to change anything.", "challenge"),
    ("Go ahead and complain if you want.", "challenge"),
    ("您想投诉就去投诉吧，随您便。", "challenge"),
    ("退不了款的人多了去了，又不是只有您一个。", "dismissive"),
    ("您再这样吵下去，我就只能挂电话了。", "rude"),
    ("Carry on shouting and I will end this call.", "rude"),
    ("肯定是您路由器的问题。", "blame_customer"),
    ("You accepted the terms, so the charge stands.", "blame_customer"),
    ("您尽管去投诉，反正结果都一样。", "challenge"),
    ("Moan all you like, the answer won't change.", "challenge"),
    ("Which part of 'closed on Sundays' was not clear?", "challenge"),
    # round 7: a question taking us for liars, a question that answers itself, 至于…吗, the fault put at the
    # customer's end, the meter as a verdict on the customer's use, "zero chance we are wrong"
    ("Are you saying we made it up?", "challenge"),
    ("Do you really think I'd lie about a meter reading?", "challenge"),
    ("您是觉得我们故意坑您吗？", "challenge"),
    ("How was I meant to know the flat was empty?", "challenge"),
    ("Since when is a cold coffee a reason to shout?", "challenge"),
    ("我哪知道您今天不在家？", "challenge"),
    ("谁规定下雨就得免运费？", "challenge"),
    ("您至于为这点事发这么大脾气吗，冷静点。", "challenge"),
    ("The problem is on your end, our servers are fine.", "blame_customer"),
    ("It's probably something on your laptop.", "blame_customer"),
    ("问题肯定出在您那边的路由器。", "blame_customer"),
    ("The meter only logs whatever your house uses.", "blame_customer"),
    ("水表只会记您家用掉的水。", "blame_customer"),
    ("There's zero chance our scale is wrong.", "arguing"),
    ("The reading can't possibly be wrong.", "arguing"),
])
def test_new_wording_is_caught(default_pb, reply, act):
    result = score_reply(default_pb, reply)
    assert act in _acts(result, "bad"), (reply, _acts(result, "bad"))
    assert not result.score.passed


@pytest.mark.parametrize("reply", [
    "What would help you most right now?",
    "What time suits you for the engineer's visit?",
    "您看这样处理行不行？",
    "请问您希望我们怎么处理？",
    "I'll call them myself and ring you back within the hour.",
    "这事我来联系物流，您不用自己跑了。",
    "I'm sorry, but I can't refund the delivery fee; I can send a replacement today though.",
    "很抱歉，运费确实没法退，不过我可以今天给您补发一件。",
    "It's perfectly normal to be worried about a bill like that.",
    "如果您还有别的问题，随时可以联系我。",
    "我们会对这件事追究责任人的责任，保证不再发生。",
    "Of course, because you were waiting so long, dessert is on us.",
    "您比我清楚当时的情况，能跟我说说吗？",
    "您看这样可以吗？",
    "Could you tell me your order number so I can check it?",
    "Let me see what's going on.",
    "我现在就给您补办一张新卡，明天照样能用。",
    "您说得对，是我说错了。这件事由我来负责，不用您去找快递，我现在就帮您处理。",
    "Do you think that would work for you?",
    "If you would like, I can ring you back at five.",
    "I signed you up for the priority queue, so you'll be seen first.",
    "如果信号还是不好，可能是我们基站的问题，我马上派人检查。",
    "I'll make sure you are treated like any other customer would be: promptly.",
    # round 7: the same shapes, asked or said kindly
    "Are you saying we charged you twice? I'll check both payments now.",
    "Since when has the tap been dripping? I'll tell the plumber.",
    "How would you like me to send the refund?",
    "The problem isn't on your end, our server went down and I'm sorry.",
    "问题不在您那边，是我们服务器出了故障，我马上处理。",
    "您觉得明天上午十点给您回电可以吗？",
    "请问是从什么时候开始不出热水的？我好安排师傅。",
    "The meter records every unit, so I'll have it tested to be sure it's counting right.",
    "There's no chance I'll let this happen again, I've put a note on your account.",
    "我不知道您今天不在家，真抱歉让您白等，我重新约个时间。",
])
def test_good_replies_built_the_same_way_are_not_flagged(default_pb, reply):
    assert not _acts(score_reply(default_pb, reply), "bad"), reply


@pytest.mark.parametrize("reply, acts", [
    ("这种事搁谁心里都不踏实，由我全程跟进，十来分钟就给您回话。", {"empathy", "ownership", "next_step_time"}),
    ("来回的运费我们出，这事包在我身上。", {"remedy", "ownership"}),
    ("A bill that jumps overnight would rattle anybody. Leave it with me and I'll ring you by five.",
     {"empathy", "ownership", "next_step_time"}),
    ("There's no labour charge for this visit.", {"remedy"}),
])
def test_good_acts_in_colloquial_words(default_pb, reply, acts):
    found = _acts(score_reply(default_pb, reply), "good")
    assert acts <= found, (reply, found)


@pytest.mark.parametrize("reply, act, quote", [
    ("How was I meant to know the flat was empty?", "challenge", "How was I meant to"),
    ("我哪知道您今天不在家？", "challenge", "我哪知道"),
    ("问题肯定出在您那边的路由器。", "blame_customer", "问题肯定出在您"),
    ("The problem is on your end, our servers are fine.", "blame_customer", "problem is on your end"),
    ("There's zero chance our scale is wrong.", "arguing", "zero chance our scale is wrong"),
])
def test_round7_cues_quote_what_was_said(default_pb, reply, act, quote):
    """A cue is a pattern, not a guess: it reports its own words with full confidence."""
    found = [b for b in score_reply(default_pb, reply).behaviours if b.detector == act]
    assert found and found[0].confidence == 1.0, found
    assert quote in [s.text for s in found[0].spans], found[0].spans
    assert all(reply[s.start:s.end] == s.text for s in found[0].spans)
