"""`gc_paused` must restore the collector exactly as it found it."""

from __future__ import annotations

import gc

import pytest

from cxcoach.gc_pause import gc_paused


def test_pauses_and_resumes_collection():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block leaves the outer pause alone
    assert gc.isenabled()


def test_resumes_after_an_error_and_respects_a_caller_who_disabled_it():
    with pytest.raises(ValueError), gc_paused():
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
