"""Notebook 06's prose agrees with its committed outputs (each test names the cell whose claim it guards)."""
import re

from notebook_outputs import numbers, prose, text, value

NB = "06"
CLASSES = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"]
UPPER_BODY = {"t-shirt", "pullover", "coat", "shirt"}


def _table(cell_id, columns):
    """Per-class rows 'name  v1 v2 ...' of a printed table, as {name: [floats]}."""
    rows = {}
    for line in text(NB, cell_id).splitlines():
        for name in CLASSES:
            if line.strip().replace(":", " ").startswith(name + " ") and len(numbers(line)) >= columns:
                rows[name] = numbers(line)
    return rows


def test_toy_matrix_agrees_with_the_library_and_scikit_learn():
    assert text(NB, "e6dbf3af").count("True") == 2
    assert "scikit-learn agrees: True" in text(NB, "49bab158")
    out = text(NB, "4f8abf4c")
    assert out.count("macro F1 0.6238") == 3 and out.count("micro F1 0.6000") == 3


def test_test_accuracy_is_about_83_percent():
    out = text(NB, "55d149c1")
    acc = value(NB, "55d149c1", "test accuracy")
    assert 0.82 <= acc < 0.84 and value(NB, "55d149c1", "evaluate_accuracy:") == acc
    assert "About 83%" in prose(NB, "0800129f") and out


def test_rows_are_equal_and_columns_are_not():
    out = text(NB, "a6b904df")
    rows = numbers(out[out.find("row sums"):out.find("column sums")])
    cols = numbers(out[out.find("column sums"):].splitlines()[0])
    assert rows == [1000.0] * 10 and sum(cols) == 10000 and len(set(cols)) > 1
    assert CLASSES[cols.index(min(cols))] == "shirt" and CLASSES[cols.index(max(cols))] == "coat"
    assert "shirt is predicted least often, coat most" in prose(NB, "2c958b7b")


def test_largest_confusions_are_upper_body_and_shirt_takes_part_in_six():
    pairs = re.findall(r"(\S[\w -]*?) predicted as (\S+(?: boot)?)\s+(\d+) times", text(NB, "60f03d45"))
    assert len(pairs) == 8
    assert all(t.strip() in UPPER_BODY and p.strip() in UPPER_BODY for t, p, _ in pairs)
    assert sum("shirt" in (t.strip(), p.strip()) for t, p, _ in pairs) == 6
    assert "All eight" in prose(NB, "e142d131") and "six of them" in prose(NB, "e142d131")
    assert "footwear corner" not in prose(NB, "2c958b7b")


def test_shirt_has_the_lowest_recall_and_f1():
    rows = _table("9573c48a", 4)
    f1 = {name: r[2] for name, r in rows.items()}
    recall = {name: r[1] for name, r in rows.items()}
    assert min(f1, key=f1.get) == "shirt" and min(recall, key=recall.get) == "shirt" and recall["shirt"] < 2 / 3


def test_macro_recall_equals_accuracy_but_macro_precision_does_not():
    out = text(NB, "72aeb443")
    line = {name: numbers(out[out.find(name) + len(name):].splitlines()[0]) for name in
            ("macro precision", "macro recall", "macro F1", "micro F1", "accuracy")}
    assert all(v[0] == v[1] for k, v in line.items() if k != "accuracy")
    acc = line["accuracy"][0]
    assert line["macro recall"][0] == acc and line["micro F1"][0] == acc
    assert line["macro precision"][0] != acc and line["macro F1"][0] != acc
    assert "column sum" in prose(NB, "0cab7445") and "1,000 images" in prose(NB, "0cab7445")
    assert "True" in text(NB, "2ae48f57")


def test_roc_auc_claims():
    auc = {name: r[0] for name, r in _table("63194656", 1).items()}
    assert min(auc, key=auc.get) == "shirt" and min(auc.values()) > 0.9
    assert all(auc[c] > 0.99 for c in ("trouser", "sandal", "sneaker", "bag", "ankle boot"))
    out = text(NB, "3b8c0078")
    assert value(NB, "3b8c0078", "pair count") == value(NB, "3b8c0078", "rank formula") and "True" in out


def test_shirt_template_has_the_strongest_weights_t_shirt_and_bag_the_weakest():
    weights = {name: r[0] for name, r in _table("6680698c", 1).items()}
    order = sorted(weights, key=weights.get)
    assert order[-1] == "shirt" and set(order[:2]) == {"t-shirt", "bag"}
    assert "figure" not in prose(NB, "4b49bc72").split("## 9.")[0].lower()


def test_bin_edge_conventions():
    out = text(NB, "35ea4453")
    assert value(NB, "35ea4453", "(lo, hi] gives ECE") != value(NB, "35ea4453", "bin for 1.0 gives")
    assert value(NB, "35ea4453", "test set:") == 0
    first, second = numbers(out[out.find("edges; ECE") + 10:].splitlines()[0])
    assert first == second
    assert numbers(out[out.find("top probability:"):])[0] == 1.0 and numbers(out[out.find("top probability:"):])[1] < 1


def test_under_confident_before_scaling():
    acc = value(NB, "f8660c99", "accuracy")
    assert acc > value(NB, "f8660c99", "mean confidence")
    assert 0.03 < value(NB, "f8660c99", "test ECE") < 0.06
    assert value(NB, "cfa821cb", "after training") > 10 * value(NB, "cfa821cb", "at initialisation")


def test_temperature_fits_agree_and_sharpen():
    T = value(NB, "d9cd0811", "T =")
    assert abs(T - value(NB, "d9cd0811", "LBFGS")) < 1e-4 and abs(T - value(NB, "d9cd0811", "grid")) <= 0.0125
    assert 0.8 < T < 0.92 and "about 0.86" in prose(NB, "2f66ab1f")
    assert abs(value(NB, "97e56e2f", "fitted") - 2) < 0.1


def test_temperature_scaling_more_than_halves_the_test_ece():
    out = text(NB, "53b59259")
    val = numbers(out[out.find("validation"):].splitlines()[0])
    test = numbers(out[out.find("        test"):].splitlines()[0])
    for ece_before, ece_after, nll_before, nll_after in (val, test):
        assert nll_after <= nll_before and ece_after < 0.5 * ece_before
    assert test[1] < 0.02 and 0.03 < test[0] < 0.05
    before, after = numbers(text(NB, "30958bca"))
    assert abs(after - before) < 1e-3


def test_vector_scaling_sharpens_every_class_and_isotonic_on_labels_is_not_a_probability():
    out = text(NB, "8714ca0e")
    assert all(a > 1 for a in numbers(out.splitlines()[0]))
    assert value(NB, "8714ca0e", "vector scaling") <= value(NB, "8714ca0e", "temperature")
    assert value(NB, "f5ff118f", "to") > 1
    assert "《深度学习进阶:Softmax回归原理与实践指南》" in prose(NB, "b9fef48e")


def test_comparison_table_supports_the_conclusions():
    out = text(NB, "15f4ac50")
    stds = {}
    for name in ("uncalibrated", "vector scaling", "isotonic"):
        for metric in ("ECE", "NLL"):
            line = out[out.find(f"{name} {metric}:"):].splitlines()[0]
            stds[name, metric] = numbers(line)[-1]
    assert stds["uncalibrated", "ECE"] > 4 and stds["uncalibrated", "NLL"] > 2
    assert abs(stds["vector scaling", "ECE"]) < 2 and stds["vector scaling", "NLL"] < -2
    assert 1 < abs(stds["isotonic", "ECE"]) < 3 and abs(stds["isotonic", "NLL"]) < 2
    rows = {name: numbers(out[out.find(f"{name} "):].splitlines()[0]) for name in
            ("uncalibrated", "temperature", "vector scaling", "isotonic")}
    assert all(rows[m][0] < 0.5 * rows["uncalibrated"][0] for m in ("temperature", "vector scaling", "isotonic"))
    assert min(rows, key=lambda m: rows[m][2]) == "vector scaling"
    acc_gap = abs(rows["vector scaling"][4] - rows["temperature"][4])
    assert acc_gap < 2 * rows["temperature"][5]


def test_no_scaffolding_comments_in_the_lesson():
    from notebook_outputs import lesson
    for cell in lesson(NB)["cells"]:
        source = "".join(cell["source"])
        assert "the prose:" not in source and "claims hold" not in source
