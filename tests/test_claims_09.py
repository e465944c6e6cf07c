"""Claims of notebook 09's prose, checked against its committed outputs (the lesson itself stays free of asserts)."""
import re

import pytest
from notebook_outputs import numbers, prose, summary_table, text, value
from notebook_outputs import quoted as check_quoted

NB = "09"


def table(cell_id, nb=NB):
    """Rows of one of the lesson's summary tables."""
    return summary_table(nb, cell_id)


def quoted(prose_id, output_ids, *strings):
    """Each string is quoted by the prose cell and printed by one of the output cells."""
    check_quoted(NB, prose_id, output_ids, *strings)


def test_noise_yardstick():
    mean, std = numbers(text(NB, "5fde41fc").split("mean ± std:")[1])[:2]
    se = value(NB, "5fde41fc", "images:")
    assert 0.05 < std < 1.0 and 0.3 < se < 0.5
    quoted("7877e432", ["5fde41fc"], "0.21", "0.40")


def test_class_weights():
    assert "inverse frequency    [1.0, 10.0, 100.0]" in text(NB, "13b9db88")
    out = text(NB, "1ea17bb9")
    balanced = out.split("balanced acc (%)")[1].split("minority recall (%)")[0]
    minority = out.split("minority recall (%)")[1]
    assert "inverse frequency" in balanced and re.search(r"inverse frequency.*measurably higher", balanced)
    assert re.search(r"inverse frequency.*measurably higher", minority)
    rows = [line.split() for line in out.splitlines()[1:6]]
    prior = {" ".join(r[:-9]): float(r[-3]) for r in rows}  # the last column: prior-weighted acc
    assert max(prior, key=prior.get) == "plain"
    quoted("0b30ca7d", ["1ea17bb9"], "33.66 ± 0.45", "54.20 ± 2.01", "69.85 ± 0.21", "76.02 ± 0.61", "6.17", "0.46",
           "45.69", "51.51", "53.82", "92.46", "89.52")
    assert "by balanced accuracy:       inverse frequency" in text(NB, "b979df6b")
    assert "by prior-weighted accuracy: plain" in text(NB, "b979df6b")


def test_label_smoothing_target_is_the_guides_and_sums_to_0_99():
    out = text(NB, "81e62220")
    assert "sum 0.9900" in out.splitlines()[0] and "sum 1.0000" in out.splitlines()[1]
    assert "1 - eps/K = 0.9900" in out
    for cell_id in ("fad84976", "78e3f4db"):
        assert "1.01" not in prose(NB, cell_id)
    assert "yᵢ=0.9, yⱼ=0.1/K" in prose(NB, "fad84976") and "0.99" in prose(NB, "fad84976")
    assert "0.9091" in text(NB, "6150a262") and "0.9091" in prose(NB, "f21065f0")


def test_label_smoothing_effect():
    rows = table("bb016579")
    assert rows["eps=0.1"][3] != "measurably higher" and rows["eps=0.2"][3] != "measurably higher"
    out = text(NB, "bb016579")
    conf = {e: value(NB, "bb016579", f"eps={e}: mean confidence") for e in ("0.0", "0.1", "0.2")}
    assert conf["0.1"] < conf["0.0"] - 0.05 and conf["0.2"] < conf["0.1"]
    assert abs(conf["0.0"] - rows["eps=0.0"][0] / 100) < 0.03  # plain: confidence close to accuracy
    assert conf["0.1"] < rows["eps=0.1"][0] / 100 - 0.05        # smoothed: under-confident
    nll = [float(x) for x in re.findall(r"hard labels\) (\d+\.\d+)", out)]
    assert nll[1] > nll[0]
    quoted("c51d9930", ["bb016579"], "0.837", "0.722", "0.637", "83.40 ± 0.08", "83.03 ± 0.11", "82.74 ± 0.08",
           "0.38", "0.67", "0.577", "0.683", "0.483")


def test_sweep_and_large_learning_rates():
    out = text(NB, "bb112a85")
    best = {m.group(1): float(m.group(2)) for m in re.finditer(r"^(.*) \(best lr ([\d.]+)\):", out, re.M)}
    assert best == {"SGD": 0.3, "SGD + momentum": 0.1, "AdamW": 0.01}  # notebook 10 takes these over
    assert "nan" not in out
    spans = [float(x) for x in re.findall(r"best minus worst in this sweep: ([\d.]+)", out)]
    assert spans == [8.4, 10.9, 10.7]
    quoted("b3497e52", ["bb112a85"], "8.4", "10.9", "10.7", "81.30", "81.12", "81.15")
    big = text(NB, "bfac24d5")
    ratios = [float(line.split()[-1]) for line in big.splitlines()[1:7]]
    assert max(ratios[1:]) / min(ratios[1:]) < 1.15
    losses = [float(line.split()[4]) for line in big.splitlines()[1:7]]
    assert losses[-1] > 50 * losses[1]
    assert all(r[3] == "no measurable difference" for name, r in table("bfac24d5").items() if r[3])
    quoted("fff5b63c", ["bfac24d5"], "12.31", "12.56", "1.626", "157.827")


def test_optimiser_curves():
    first = text(NB, "6b829760").split("epoch-8")[0]
    assert re.search(r"AdamW .* measurably higher", first)
    final = table("6b829760")
    quoted("f45cfb32", ["6b829760"], "77.83 ± 1.19", "56.34 ± 9.85", "83.47 ± 0.11", "83.62 ± 0.18", "84.11 ± 0.14",
           "0.64")
    assert "AdamW            84.11 ± 0.14    +0.64  no measurable difference" in text(NB, "6b829760")
    assert final


def test_output_layer_learning_rate():
    out = text(NB, "606e10ee")
    assert out.count("(best / 100)") == 3 and len(re.findall(r"best / 100\).*measurably lower", out)) == 3
    quoted("d317aee9", ["606e10ee"], "4.39", "2.77", "5.04", "13.30", "10.85", "18.65")


def test_schedules():
    rows = table("c9cd38e8")
    assert rows["cosine"][3] == "measurably higher" and rows["step"][3] == "measurably higher"
    quoted("6f7f2af4", ["c9cd38e8"], "73.94 ± 2.10", "82.62 ± 0.26", "82.95 ± 0.09", "8.68", "9.01")


@pytest.mark.parametrize("s", ["33.66%", "54.20%", "6.17", "92.46%", "89.52%", "0.837", "0.722", "21.49", "0.64",
                               "8.4 to 10.9", "18.65", "9.01"])
def test_summary_numbers_are_printed(s):
    summary = next(prose(NB, c["id"]) for c in __import__("notebook_outputs").lesson(NB)["cells"]
                   if c["cell_type"] == "markdown" and "".join(c["source"]).startswith("## Summary"))
    assert s in summary
    bare = s.rstrip("%").split(" to ")[0]
    assert any(bare in text(NB, c) for c in ("1ea17bb9", "bb016579", "6b829760", "bb112a85", "606e10ee", "c9cd38e8"))
