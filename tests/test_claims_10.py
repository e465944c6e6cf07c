"""Claims of notebook 10's prose and of its practice-guide table, checked against the committed outputs."""
import re

import pytest
from notebook_outputs import lesson, numbers, prose, summary_table, text, value
from notebook_outputs import quoted as check_quoted

NB = "10"


def table(cell_id, nb=NB):
    """Rows of one of the lesson's summary tables."""
    return summary_table(nb, cell_id)


def quoted(prose_id, output_ids, *strings):
    """Each string is quoted by the prose cell and printed by one of the output cells."""
    check_quoted(NB, prose_id, output_ids, *strings)


def markdown_starting(start, nb=NB):
    return next(prose(nb, c["id"]) for c in lesson(nb)["cells"]
                if c["cell_type"] == "markdown" and "".join(c["source"]).startswith(start))


def test_best_learning_rates_are_notebook_09s():
    out = text("09", "bb112a85")
    for name, lr in (("SGD", "0.3"), ("SGD + momentum", "0.1"), ("AdamW", "0.01")):
        assert f"{name} (best lr {lr}):" in out


def test_weight_decay():
    rows = table("82ac5092")
    for wd in ("0.0001", "0.001", "0.01"):
        assert rows[f"L2 {wd}"][3] == "no measurable difference"
    assert rows["L2 0.1"][3] == "measurably lower"
    train = value(NB, "82ac5092", "training accuracy without weight decay:")
    assert train - rows["L2 0"][0] < 5
    quoted("4326a582", ["82ac5092"], "83.10", "83.16", "83.18", "83.10 ± 0.36", "1.50", "85.16")
    assert "decays measurably better than none: []" in text(NB, "33d6f294")
    assert all(r[3] in (None, "no measurable difference") for r in table("51d538e5").values())
    quoted("db7cf944", ["51d538e5"], "83.00", "83.04")


def test_adam_step():
    out = text(NB, "1b5ef913")
    no_decay, l2 = out.split("\n")[0], out.split("\n")[1]
    assert numbers(no_decay.split("tensor")[1]) == numbers(l2.split("tensor")[1])  # the L2 term vanished


def test_early_stopping():
    out = text(NB, "a4681afe")
    best, final = value(NB, "a4681afe", "best val acc"), value(NB, "a4681afe", "after 60 epochs")
    train = value(NB, "a4681afe", "(training accuracy")
    assert final < best - 0.5 < train
    assert "patience 50: stops after epoch  60.0 ±  0.0" in out
    rows = table("a4681afe")
    assert rows["patience 5"][3] != "measurably lower" and rows["patience 20"][3] == "measurably higher"
    quoted("f8e95585", ["a4681afe"], "97.47", "80.43 ± 0.09", "24.7 ± 4.0", "79.47 ± 0.37", "16.0", "20.7", "79.86",
           "80.10", "0.96", "44.7")
    quoted("e30bded7", ["dfc34766"], "21 of 60", "epoch 16", "0.8001")


def test_gradient_clipping():
    norm_max = value(NB, "674ac00d", "max")
    assert norm_max <= value(NB, "52256fcb", "bound on any minibatch gradient norm:")
    out = text(NB, "c4bd8450")
    assert "nan" not in out
    gaps = [float(g) for g in re.findall(r"clip at 1\s+\d+\.\d+ ± \d+\.\d+\s+([-+]\d+\.\d+)", out)]
    assert len(gaps) == 3 and all(abs(g) < 2 for g in gaps)
    assert re.search(r"lr 0.3, clip at 1 .* measurably lower", out)
    quoted("0349a82f", ["c4bd8450", "674ac00d"], "0.88", "2.45", "0.78", "0.71")


def test_initialisation():
    rows = table("3b703b37")
    final = {k: v for k, v in rows.items()}
    assert "xavier" in final and final["xavier"][3] != "measurably higher"
    out = text(NB, "3b703b37").split("epoch-3")[1]
    assert re.search(r"normal .* no measurable difference", out)
    assert re.search(r"xavier .* no measurable difference", out)
    quoted("1f29c45c", ["3b703b37", "80f84dc5"], "82.18 ± 0.17", "82.23 ± 0.23", "81.84 ± 0.11", "3.234")
    assert "forward" in prose(NB, "b4ff9086") and "backward" in prose(NB, "b4ff9086")


def test_standardisation_and_the_pitfall():
    right, wrong = numbers(text(NB, "a18b1de3").split("\n")[0])[:2]
    assert wrong < right - 0.05
    quoted("f25da272", ["a18b1de3", "5565b9d3"], "0.7925", "0.6579", "15.5", "2.46")
    quoted("cd2322ba", ["16746f14", "5565b9d3"], "78.84 ± 0.43", "81.30 ± 0.16", "2.46", "64.02", "72.92")
    assert "earlier version" not in " ".join(prose(NB, c["id"]) for c in lesson(NB)["cells"]
                                               if c["cell_type"] == "markdown")


def test_batch_norm_against_the_raw_baseline():
    assert value(NB, "efa3bbfc", "bias under batch norm:") < 1e-6
    rows = table("5565b9d3")
    assert "gap to raw" in text(NB, "5565b9d3")
    assert rows["raw, batch norm before softmax"][3] == "no measurable difference"
    assert rows["raw, batch norm on the inputs"][3] == "measurably higher"
    assert rows["standardised"][3] == "measurably higher"
    gap = rows["raw, batch norm before softmax"][2]
    quoted("ffde7d59", ["5565b9d3"], "78.84 ± 0.43", "78.97 ± 0.73", f"{gap:.2f}", "82.53 ± 0.22")
    bn_over_standardised = rows["raw, batch norm on the inputs"][0] - rows["standardised"][0]
    assert "1.23" in prose(NB, "ffde7d59") and abs(bn_over_standardised - 1.23) < 0.006


def test_output_bias():
    out = text(NB, "6e6147f6")
    assert re.search(r"standardised, bias=False .* no measurable difference", out)
    quoted("bb462701", ["6e6147f6"], "82.36 ± 0.19", "82.28 ± 0.12", "0.51")


def test_final_model_and_scikit_learn():
    accs = numbers(text(NB, "9c9dc6c9").split("validation accuracy per epoch:")[1].split("\n")[0])
    assert accs[-1] > 0.845 and accs[-1] >= max(accs) - 0.002
    out = text(NB, "749c575e")
    fashion, mnist = (value(NB, "749c575e", f" {name}: test accuracy") for name in ("fashion-mnist", "mnist"))
    assert fashion >= 84 and mnist >= 92
    assert text(NB, "403a7b62").count("no measurable difference") == 2
    assert value(NB, "a10-lbfgs-full", "scikit-learn's is") < 1e-6  # the chunked L-BFGS is scikit-learn's fit
    quoted("b7c383f8", ["a10-lbfgs-full"], "188 MB")
    assert "over 3 seeds" in out
    implicit = text(NB, "ce1b4d9e")
    rows = {line[:31].strip(): numbers(line[31:]) for line in implicit.splitlines()[2:]}
    conv = rows["converged, C=1"]
    assert conv[0] < 2000 and rows["stopped at 20 iterations, C=1"][1] > conv[1] + 1
    assert rows["converged, C=0.01"][1] > conv[1] + 1 and rows["stopped at 20 iterations, C=1"][2] < conv[2] / 2
    quoted("36b148f5", ["ce1b4d9e"], "81.64", "4.73", "79.19", "20.37", "82.38", "2.97")


def test_appendix_checks():
    out = text(NB, "a10-guide-checks")
    assert "softmax([2.0, 1.0, 0.1]): [0.659, 0.2424, 0.0986]" in out
    assert value(NB, "a10-guide-checks", "renormalised softmax(a) * softmax(b)|:") < 1e-12
    assert value(NB, "a10-guide-checks", "softmax(a + 7) - softmax(a)|:") < 1e-12
    assert "exactly zero entries of p - y: 0;" in out
    assert "nan" in out.split("T = 1")[1].split("max subtracted")[0]
    probs = numbers(out.split("y = (1, 1, 0, 0):")[1].split("\n")[0])
    assert abs(probs[0] - 0.5) < 0.01 and abs(probs[1] - 0.5) < 0.01
    rows = out.split("classification_report gives rows")[1]
    assert "auc" not in rows.lower() and "confusion" not in rows.lower()


TABLE_NUMBERS = [  # (number as the table quotes it, notebook, cell that prints it)
    ("0.2424", NB, "a10-guide-checks"), ("157.827", "09", "bfac24d5"), ("33.66", "09", "1ea17bb9"),
    ("54.20", "09", "1ea17bb9"), ("74.50", "09", "1ea17bb9"), ("75.96", "09", "1ea17bb9"), ("76.02", "09", "1ea17bb9"),
    ("0.88", NB, "c4bd8450"), ("21.49", "09", "6b829760"), ("0.64", "09", "6b829760"), ("0.99", "09", "81e62220"),
    ("0.08", NB, "6e6147f6"), ("0.51", NB, "6e6147f6"), ("4.6e-07", NB, "efa3bbfc"), ("0.837", "09", "bb016579"),
    ("83.40", "09", "bb016579"), ("0.34", NB, "3b703b37"), ("10.85", "09", "606e10ee"), ("18.65", "09", "606e10ee"),
    ("78.97", NB, "5565b9d3"), ("78.84", NB, "5565b9d3"),
]


@pytest.mark.parametrize("number, nb, cell_id", TABLE_NUMBERS)
def test_guide_table_quotes_printed_numbers(number, nb, cell_id):
    assert number in prose(NB, "a10-guide-table")
    assert number.lstrip("0") in text(nb, cell_id) or number in text(nb, cell_id)


def test_guide_table_covers_every_claim():
    table_text = prose(NB, "a10-guide-table")
    rows = [line for line in table_text.splitlines() if re.match(r"^\| \d+ \|", line)]
    assert [int(r.split("|")[1]) for r in rows] == list(range(1, len(rows) + 1)) and len(rows) >= 45
    for phrase in ("哈希技巧", "CRF", "几何Softmax", "对抗Softmax", "30%", "设计差异", "同态映射", "梯度可能变得稀疏",
                   "在Softmax前使用批归一化", "1-2个数量级", "交叉验证", "top-k", "出现的物体类别"):
        assert phrase in table_text, phrase
    for row in rows:
        verdict = row.split("|")[3]
        assert any(v in verdict for v in ("measured", "true", "false", "not testable", "not a claim", "imprecise",
                                          "not for this model")), row
