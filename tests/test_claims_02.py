"""The prose of notebook 02 agrees with what its cells printed (read from the committed outputs)."""
import re

from notebook_outputs import cell, lesson, numbers, prose, text, value

NB = "02"


def table(cell_id):
    """The rows of a printed table whose first column is a class name: {name: [numbers]}."""
    rows = {}
    for line in text(NB, cell_id).splitlines():
        match = re.match(r"\s*([a-z][a-z -]*[a-z])\s+([\d.]+(?:\s+[\d.]+)*)\s*$", line)
        if match:
            rows[match.group(1)] = numbers(match.group(2))
    return rows


def test_header_minutes_add_up_to_the_session():
    header = prose(NB, "d13aefea")
    rows = re.findall(r"^\| (.+?) \| (\d+) \|$", header, re.M)
    assert sum(int(minutes) for _, minutes in rows) == 60 and "**Time in class:** 60 minutes" in header
    headings = [line[3:] for c in lesson(NB)["cells"] if c["cell_type"] == "markdown"
                for line in "".join(c["source"]).splitlines() if re.match(r"## \d+\. ", line)]
    assert [name for name, _ in rows][:len(headings)] == headings


def test_torchvision_has_the_four_parts_the_prose_names():
    assert "['datasets', 'models', 'transforms', 'utils']" in text(NB, "f280e57d")
    for part in ("datasets", "models", "transforms", "utils"):
        assert f"`torchvision.{part}`" in prose(NB, "a0345bb0")


def test_fashion_mnist_splits_are_not_named_mnist():
    for c in lesson(NB)["cells"]:
        if c["cell_type"] == "code":
            assert not re.search(r"\bmnist_(train|test)\b", "".join(c["source"])), "d2l's misleading names are back"


def test_class_balance():
    counts = table("4d087fe6")
    assert len(counts) == 10 and all(row == [6000, 1000] for row in counts.values())
    assert "6,000 / 1,000 per class" in prose(NB, "3f9ca277")


def test_brightness_is_coverage_times_lit_brightness():
    rows = table("5e7bf605")
    mean, share, lit = ({name: row[k] for name, row in rows.items()} for k in range(3))
    for name in rows:
        assert abs(share[name] * lit[name] - mean[name]) < 2e-4
    claim = prose(NB, "b7e2a001")
    assert sorted(mean, key=mean.get)[:2] == ["sandal", "sneaker"] and min(lit, key=lit.get) == "sandal"
    assert mean["trouser"] > mean["sneaker"] and lit["trouser"] > lit["sneaker"]
    assert abs(share["trouser"] - share["sneaker"]) < 0.02                      # "about as much of the frame"
    for name, numbers_quoted in [("sandal", [mean]), ("sneaker", [mean, share, lit]), ("trouser", [mean, share, lit])]:
        for column in numbers_quoted:
            assert f"{column[name]:.4f}" in claim
    assert set(sorted(share, key=share.get)[-3:]) == {"pullover", "shirt", "coat"}
    assert all(0.60 <= share[name] <= 0.65 for name in ("pullover", "shirt", "coat"))
    assert set(sorted(mean, key=mean.get)[-2:]) == {"coat", "pullover"}
    assert f"{mean['sandal']:.4f}" in prose(NB, "8baba72c") and f"{mean['coat']:.4f}" in prose(NB, "8baba72c")


def test_nearest_class_mean_is_much_better_on_mnist():
    fashion = value(NB, "c8f1bdd9", "Fashion-MNIST")
    mnist = value(NB, "c8f1bdd9", ", MNIST")
    assert 0.6 <= fashion <= 0.75 and mnist > fashion + 0.1
    assert f"{fashion:.4f}" in prose(NB, "fe80011d") and f"{mnist:.4f}" in prose(NB, "fe80011d")


def test_normalisation_statistics():
    out = text(NB, "97153b16")
    assert numbers(out.split("fashion-mnist")[1])[:4] == [0.286, 0.353, 0.286, 0.353]
    assert "matches: True" in out and "$(0.2860, 0.3530)$" in prose(NB, "3f9ca277")
    per_image, all_pixels = numbers(text(NB, "9557b439").splitlines()[0])
    assert per_image < all_pixels                                               # "a wrong, smaller value"
    shift = value(NB, "9557b439", "has mean")
    assert f"{shift:.4f}" in prose(NB, "8baba72c")


def test_in_memory_pass_is_about_a_hundred_times_faster():
    factors = [numbers(line)[0] for line in text(NB, "cb7fab2a").splitlines() if "x faster" in line]
    assert len(factors) == 2 and all(50 <= factor <= 200 for factor in factors), factors
    assert "about a hundred" in prose(NB, "18c6c049") and "about 100 times faster" in prose(NB, "3f9ca277")
    assert "nbval-ignore-output" in cell(NB, "cb7fab2a")["metadata"]["tags"]
    assert "torch.equal: True" in text(NB, "84ffe379")


def test_batches_per_epoch_agree_with_exercise_2():
    assert "batches per epoch: 235 | the last one holds 96 images" in text(NB, "b5808515")
    assert "(235, 96)" in text(NB, "d239687b") and "235 batches with 96 images" in prose(NB, "3b5c6c3a")


def test_damaged_and_missing_files_give_one_clear_error():
    assert "To get it:" in text(NB, "7e715ac7")
    assert "is truncated" in text(NB, "84e9b8ea")
    assert "1 of them wrong" in text(NB, "71b6cc45") and "sha256 mismatch" in text(NB, "71b6cc45")
