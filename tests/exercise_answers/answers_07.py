"""Lesson 07: typical wrong answers, lazy answers and correct alternatives, with the message each must get."""
from exercise_cases import PASS, Case

EX1, EX2, EX3 = (f"nb07-ex{k}-solution" for k in range(1, 4))

CASES = [
    # exercise 1: hoeffding_n
    Case(EX1, """
def hoeffding_n(eps, delta):
    n = 1
    while 2 * math.exp(-2 * n * eps ** 2) > delta:
        n += 1
    return n
""", PASS, "search instead of the formula"),
    Case(EX1, """
def hoeffding_n(eps, delta):
    return int(torch.tensor(math.log(2 / delta) / (2 * eps * eps)).ceil().item())
""", PASS, "torch ceil"),
    Case(EX1, """
def hoeffding_n(eps, delta):
    return round(math.log(2 / delta) / (2 * eps ** 2))
""", "is still above delta", "rounds to the nearest integer instead of up"),
    Case(EX1, """
def hoeffding_n(eps, delta):
    return int(math.log(2 / delta) / (2 * eps ** 2))
""", "is still above delta", "truncates"),
    Case(EX1, """
def hoeffding_n(eps, delta):
    return math.ceil(math.log(1 / delta) / (2 * eps ** 2))
""", "can miss on either side", "one-sided bound"),
    Case(EX1, """
def hoeffding_n(eps, delta):
    return math.log(2 / delta) / (2 * eps ** 2)
""", "a number of images is an int", "a float"),
    Case(EX1, """
def hoeffding_n(eps, delta):
    return math.ceil(1.96 ** 2 * 0.25 / eps ** 2)
""", "is still above delta", "the normal approximation"),
    Case(EX1, """
def hoeffding_n(eps, delta):
    return 10 * math.ceil(math.log(2 / delta) / (2 * eps ** 2))
""", "fewer images would already do", "far too many"),
    Case(EX1, """
def hoeffding_n(eps, delta):
    return 4612 if eps == 0.02 else 18445
""", "hoeffding_n(0.03, 0.01)", "hard-coded visible values"),
    # exercise 2: images_needed, claim_resolved
    Case(EX2, """
def images_needed(p, gain, z=2.0):
    return int(torch.ceil(torch.tensor(2 * z ** 2 * p * (1 - p) / gain ** 2, dtype=torch.float32)).item())


claim_resolved = False
""", PASS, "float32 computation"),
    Case(EX2, """
def images_needed(p, gain, z=2.0):
    n = 1
    while gain < z * math.sqrt(2 * p * (1 - p) / n):
        n += 1
    return n


claim_resolved = images_needed(0.83, 0.005) <= 10000
""", PASS, "search"),
    Case(EX2, """
def images_needed(p, gain, z=2.0):
    return math.ceil(z ** 2 * p * (1 - p) / gain ** 2)


claim_resolved = images_needed(0.83, 0.005) <= 10000
""", "each of the two accuracies is an estimate", "the standard error of one accuracy, not of a difference"),
    Case(EX2, """
def images_needed(p, gain, z=2.0):
    return math.ceil(2 * z ** 2 * p * (1 - p) / gain)


claim_resolved = images_needed(0.83, 0.005) <= 10000
""", "should be gain / z", "gain not squared"),
    Case(EX2, """
def images_needed(p, gain, z=2.0):
    return 2 * z ** 2 * p * (1 - p) / gain ** 2


claim_resolved = False
""", "a number of images is an int", "a float"),
    Case(EX2, """
def images_needed(p, gain, z=2.0):
    return math.ceil(2 * z ** 2 * p * (1 - p) / gain ** 2)


claim_resolved = True
""", "compare the images the claim needs", "the claim judged resolved"),
    Case(EX2, """
def images_needed(p, gain, z=2.0):
    return 3201 if p == 0.8 else 45152


claim_resolved = False
""", "images_needed(0.9, 0.005, 1.96)", "hard-coded visible value"),
    # exercise 3: prediction, winner_gap
    Case(EX3, """
prediction = "above"


def winner_gap(correct, public, fresh):
    c = correct.float()
    best = max(range(len(c)), key=lambda k: (c[k, public].mean().item(), -k))
    return c[best, public].mean().item() - c[best, fresh].mean().item()
""", PASS, "a Python max over models, float32 means"),
    Case(EX3, """
prediction = "above"


def winner_gap(correct, public, fresh):
    acc = correct[:, public].double().mean(1)
    k = acc.argmax()
    return acc[k] - correct[k, fresh].double().mean()
""", PASS, "a 0-d tensor"),
    Case(EX3, """
prediction = "equal"


def winner_gap(correct, public, fresh):
    acc = correct[:, public].double().mean(1)
    k = acc.argmax()
    return (acc[k] - correct[k, fresh].double().mean()).item()
""", "does it agree with your prediction", "predicts no bias"),
    Case(EX3, """
prediction = "above"


def winner_gap(correct, public, fresh):
    acc = correct[:, public].double().mean(1)
    k = acc.argmax()
    return (correct[k, fresh].double().mean() - acc[k]).item()
""", "public minus fresh, not fresh minus public", "the sign"),
    Case(EX3, """
prediction = "above"


def winner_gap(correct, public, fresh):
    acc = correct[:, public].double().mean(1)
    k = len(acc) - 1 - acc.flip(0).argmax()
    return (acc[k] - correct[k, fresh].double().mean()).item()
""", "which one does argmax return", "the last of tied models"),
    Case(EX3, """
prediction = "above"


def winner_gap(correct, public, fresh):
    k = correct[:, fresh].double().mean(1).argmax()
    return (correct[k, public].double().mean() - correct[k, fresh].double().mean()).item()
""", "is the winner chosen on the public part", "winner chosen on the fresh part"),
    Case(EX3, """
prediction = "above"


def winner_gap(correct, public, fresh):
    return 2 / 3 - 1
""", "should not fall below its fresh one", "hard-coded visible value"),
]
