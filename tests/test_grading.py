"""d2lmini.grading: what every exercise's test cell uses must be fair to right answers and firm with wrong ones."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from d2lmini import grading


@pytest.mark.parametrize("got", [torch.tensor(0.65328, dtype=torch.float32), np.float32(0.65328), 0.65328,
                                 torch.tensor(0.65328, dtype=torch.float64), np.array(0.65328)])
def test_check_close_accepts_float32_and_float64_answers(got):
    grading.check_close(got, 0.6532800123, "macro F1")


@pytest.mark.parametrize(("got", "message"), [
    (torch.tensor([1.0, 2.0]), "x: got 2, expected 2.5 at [1]"),
    (torch.tensor([1.0, 2.0, 3.0]), "x: expected shape (2,), got (3,)"),
    ("1, 2.5", "x: expected a number or a tensor, got str"),
    (torch.tensor([1.0, float("nan")]), "x: got nan, expected 2.5 at [1]"),
])
def test_check_close_names_what_differs(got, message):
    with pytest.raises(AssertionError) as failure:
        grading.check_close(got, [1.0, 2.5], "x")
    assert str(failure.value) == message


def test_check_close_prints_enough_digits_to_show_a_real_difference():
    with pytest.raises(AssertionError, match=r"got 0.65328003, expected 0.65338003"):
        grading.check_close(0.65328003, 0.65338003, "macro F1")


def test_expect_fills_its_template_only_when_it_fails():
    grading.expect(True, "never {formatted}")
    with pytest.raises(AssertionError, match="^3 of 4 rows$"):
        grading.expect(torch.tensor(False), "{n} of {m} rows", n=3, m=4)


def test_forbidden_functions_raise_inside_the_block_and_come_back_after():
    x = torch.tensor([[1.0, 2.0]])
    with grading.forbidden("torch.softmax", "torch.Tensor.softmax", "torch.nn.functional.softmax",
                           "torch.nn.utils.a_function_this_version_lacks", "torch.no_such_module.f"):
        for call in (lambda: torch.softmax(x, 1), lambda: x.softmax(1), lambda: F.softmax(x, 1)):
            with pytest.raises(AssertionError, match="is not allowed here: the exercise asks you to write it"):
                call()
        assert torch.exp(x).sum() > 0  # what is not named still works
    assert torch.allclose(torch.softmax(x, 1), F.softmax(x, 1))


def test_forbidden_restores_the_functions_when_the_block_fails():
    with pytest.raises(RuntimeError), grading.forbidden("torch.logsumexp"):
        raise RuntimeError("a check failed inside the block")
    assert torch.logsumexp(torch.zeros(2), 0) == pytest.approx(np.log(2))


def _uses_logsumexp(O):
    return torch.logsumexp(O, 1)


def test_not_used_reads_the_source_of_the_students_function():
    grading.not_used(_uses_logsumexp, "log_softmax")
    with pytest.raises(AssertionError, match="_uses_logsumexp uses logsumexp: write it yourself"):
        grading.not_used(_uses_logsumexp, "logsumexp", reason="write it yourself")
