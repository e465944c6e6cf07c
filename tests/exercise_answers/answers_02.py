"""Typical wrong answers, lazy answers and correct alternatives for the exercises of notebook 02."""
from exercise_cases import PASS, Case


def stats(body):
    """The solution cell of exercise 1 with this function body."""
    return "def running_stats(batches):\n" + body


def plan(body):
    """The solution cell of exercise 2 with this function body."""
    return "def batch_plan(n, batch_size, drop_last=False):\n" + body


def epoch_loss(body):
    """The solution cell of exercise 3 with this function body."""
    return "def mean_epoch_loss(net, loss, data_iter):\n" + body


def flips(body):
    """The solution cell of exercise 4 with this function body."""
    return "def flip_half(X, generator):\n" + body


PER_CHANNEL = "        pixels = batch.transpose(0, 1).reshape(batch.shape[1], -1)\n"

CASES = [
    # exercise 1: normalisation statistics from a stream
    Case("nb02-ex1-solution", stats(
        "    n, s1, s2 = 0, 0.0, 0.0\n    for batch in batches:\n"
        "        pixels = batch.double().transpose(0, 1).reshape(batch.shape[1], -1)\n"
        "        n += pixels.shape[1]\n        s1 = s1 + pixels.sum(dim=1)\n"
        "        s2 = s2 + (pixels ** 2).sum(dim=1)\n"
        "    mean = s1 / n\n    return mean, (s2 / n - mean ** 2).sqrt()\n"), PASS, "model answer"),
    Case("nb02-ex1-solution", stats(
        "    n, s1, s2 = 0, 0, 0\n    for batch in batches:\n"
        "        s1 = s1 + batch.sum(dim=(0, 2, 3))\n        s2 = s2 + (batch * batch).sum(dim=(0, 2, 3))\n"
        "        n += batch.numel() // batch.shape[1]\n"
        "    mean = s1 / n\n    return mean, torch.sqrt(s2 / n - mean ** 2)\n"),
        PASS, "float32 sums over dims 0, 2, 3"),
    Case("nb02-ex1-solution", stats(
        "    n, mean, m2 = 0, None, None\n    for batch in batches:\n" + PER_CHANNEL.replace("batch.transpose",
                                                                                      "batch.double().transpose") +
        "        k = pixels.shape[1]\n        b_mean = pixels.mean(dim=1)\n"
        "        b_m2 = ((pixels - b_mean[:, None]) ** 2).sum(dim=1)\n"
        "        if mean is None:\n            n, mean, m2 = k, b_mean, b_m2\n            continue\n"
        "        delta = b_mean - mean\n        total = n + k\n"
        "        mean = mean + delta * k / total\n"
        "        m2 = m2 + b_m2 + delta ** 2 * n * k / total\n        n = total\n"
        "    return mean, (m2 / n).sqrt()\n"), PASS, "Chan's parallel update (Welford for batches)"),
    Case("nb02-ex1-solution", stats(
        "    means, stds = [], []\n    for batch in batches:\n" + PER_CHANNEL +
        "        means.append(pixels.mean(dim=1))\n        stds.append(pixels.std(dim=1, correction=0))\n"
        "    return sum(means) / len(means), sum(stds) / len(stds)\n"),
        "a batch of 3 images holds more pixels", "mean of the batch means"),
    Case("nb02-ex1-solution", stats(
        "    n, s1, stds = 0, 0.0, []\n    for batch in batches:\n" + PER_CHANNEL +
        "        n += pixels.shape[1]\n        s1 = s1 + pixels.sum(dim=1)\n"
        "        stds.append(pixels.std(dim=1, correction=0) * pixels.shape[1])\n"
        "    return s1 / n, sum(stds) / n\n"),
        "misses the variation between batches", "pixel-weighted mean of the batch stds"),
    Case("nb02-ex1-solution", stats(
        "    n, s1, s2 = 0, 0.0, 0.0\n    for batch in batches:\n" + PER_CHANNEL +
        "        n += pixels.shape[1]\n        s1 = s1 + pixels.sum(dim=1)\n"
        "        s2 = s2 + (pixels ** 2).sum(dim=1)\n"
        "    mean = s1 / n\n    return mean, ((s2 - n * mean ** 2) / (n - 1)).sqrt()\n"),
        "divides by n - 1", "the unbiased std"),
    Case("nb02-ex1-solution", stats(
        "    n, s1 = 0, 0.0\n    for batch in batches:\n" + PER_CHANNEL +
        "        n += pixels.shape[1]\n        s1 = s1 + pixels.sum(dim=1)\n    mean = s1 / n\n    s2 = 0.0\n"
        "    for batch in batches:\n" + PER_CHANNEL + "        s2 = s2 + ((pixels - mean[:, None]) ** 2).sum(dim=1)\n"
        "    return mean, (s2 / n).sqrt()\n"),
        "reads the batches a second time", "two passes over a stream"),
    Case("nb02-ex1-solution", stats(
        "    X_all = torch.cat(list(batches))\n    pixels = X_all.transpose(0, 1).reshape(X_all.shape[1], -1)\n"
        "    return pixels.mean(dim=1), pixels.std(dim=1, correction=0)\n"),
        "torch.cat is not allowed", "concatenating the stream"),
    Case("nb02-ex1-solution", stats(
        "    n, s1, s2 = 0, 0.0, 0.0\n    for batch in batches:\n"
        "        n += batch.numel()\n        s1 += batch.sum().item()\n        s2 += (batch ** 2).sum().item()\n"
        "    mean = s1 / n\n    return torch.tensor([mean]), torch.tensor([(s2 / n - mean ** 2) ** 0.5])\n"),
        "one mean and one std per channel", "all channels pooled"),
    # exercise 2: batches per epoch
    Case("nb02-ex2-solution", plan(
        "    full, rest = divmod(n, batch_size)\n    if rest and not drop_last:\n        return full + 1, rest\n"
        "    return full, batch_size if full else 0\n"), PASS, "model answer"),
    Case("nb02-ex2-solution", "import math\n\n" + plan(
        "    if drop_last:\n        k = n // batch_size\n        return k, batch_size if k else 0\n"
        "    k = math.ceil(n / batch_size)\n    return k, n - (k - 1) * batch_size if k else 0\n"), PASS, "math.ceil"),
    Case("nb02-ex2-solution", plan("    return n // batch_size, n % batch_size\n"),
         "a DataLoader makes 4 batches, you predict 3", "the partial batch forgotten"),
    Case("nb02-ex2-solution", plan(
        "    k = (n + batch_size - 1) // batch_size\n    if drop_last:\n        k = n // batch_size\n"
        "    return k, n % batch_size\n"),
        "holds 32 examples, you predict 0", "last size n % batch_size when the batches are full"),
    Case("nb02-ex2-solution", plan(
        "    k = (n + batch_size - 1) // batch_size\n    return k, n - (k - 1) * batch_size\n"),
        "a DataLoader makes 3 batches, you predict 4", "drop_last ignored"),
    Case("nb02-ex2-solution", plan(
        "    if drop_last:\n        return n // batch_size, batch_size\n"
        "    k = (n + batch_size - 1) // batch_size\n    return k, n - (k - 1) * batch_size\n"),
        "drop_last=True (no batch at all)", "no batches, yet a last size"),
    Case("nb02-ex2-solution", plan(
        "    sizes = [len(b[0]) for b in torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(n)),"
        " batch_size, drop_last=drop_last)]\n    return len(sizes), sizes[-1] if sizes else 0\n"),
        "torch.utils.data.DataLoader is not allowed", "building the DataLoader instead of predicting"),
    Case("nb02-ex2-solution", plan(
        "    return {(100, 32, False): (4, 4), (60000, 256, False): (235, 96), (96, 32, False): (3, 32),\n"
        "            (100, 32, True): (3, 32)}[(n, batch_size, drop_last)]\n"),
        "raised KeyError", "hard-coded visible answers"),
    # exercise 3: find the bug in the epoch's mean loss
    Case("nb02-ex3-solution", epoch_loss(
        "    total, count = 0.0, 0\n    with torch.no_grad():\n        for X, y in data_iter:\n"
        "            l = loss(net(X), y)\n            total += l.sum().item() if l.dim() else l.item() * len(y)\n"
        "            count += len(y)\n    return total / count\n"), PASS, "model answer"),
    Case("nb02-ex3-solution", epoch_loss(
        "    total, count = 0.0, 0\n    for X, y in data_iter:\n"
        "        total += loss(net(X), y).mean().item() * len(y)\n        count += len(y)\n    return total / count\n"),
        PASS, "mean() makes both reductions alike"),
    Case("nb02-ex3-solution", epoch_loss(
        "    total, count = torch.zeros(()), 0\n    with torch.no_grad():\n        for X, y in data_iter:\n"
        "            l = loss(net(X), y)\n            total += l.sum() if loss.reduction == 'none' else l * len(y)\n"
        "            count += len(y)\n    return total / count\n"), PASS, "a 0-d tensor without gradients"),
    Case("nb02-ex3-solution", epoch_loss(
        "    total = 0.0\n    for X, y in data_iter:\n        total += loss(net(X), y).item()\n"
        "    return total / len(data_iter)\n"),
        "do all batches hold the same number of examples", "the bug as given"),
    Case("nb02-ex3-solution", epoch_loss(
        "    total, count = 0.0, 0\n    for X, y in data_iter:\n        total += loss(net(X), y).item() * len(y)\n"
        "        count += len(y)\n    return total / count\n"),
        "what does a loss with reduction='none' return", "only reduction='mean' handled"),
    Case("nb02-ex3-solution", epoch_loss(
        "    total = 0.0\n    for X, y in data_iter:\n        total += loss(net(X), y).mean().item()\n"
        "    return total / len(data_iter)\n"),
        "do all batches hold the same number of examples", "reduction handled, batch sizes not"),
    Case("nb02-ex3-solution", epoch_loss(
        "    total, count = 0, 0\n    for X, y in data_iter:\n        total = total + loss(net(X), y).mean() * len(y)\n"
        "        count += len(y)\n    return total / count\n"),
        "tracks gradients", "returns a tensor still in the autograd graph"),
    # exercise 4: a batched augmentation
    Case("nb02-ex4-solution", flips(
        "    flip = torch.rand(len(X), generator=generator) < 0.5\n"
        "    return torch.where(flip.view(-1, 1, 1, 1), torch.flip(X, dims=[-1]), X)\n"), PASS, "model answer"),
    Case("nb02-ex4-solution", flips(
        "    out = X.clone()\n    flip = torch.rand(len(X), generator=generator) < 0.5\n"
        "    out[flip] = out[flip].flip(-1)\n    return out\n"), PASS, "clone, then index"),
    Case("nb02-ex4-solution", flips(
        "    flip = torch.bernoulli(torch.full((len(X),), 0.5), generator=generator).bool()\n"
        "    return torch.where(flip[:, None, None, None], X.flip(3), X)\n"), PASS, "torch.bernoulli"),
    Case("nb02-ex4-solution", flips(
        "    flip = torch.rand(len(X), generator=generator) < 0.5\n    X[flip] = X[flip].flip(-1)\n    return X\n"),
        "changed its input", "in place"),
    Case("nb02-ex4-solution", flips(
        "    flip = torch.rand(len(X), generator=generator) < 0.5\n"
        "    return torch.where(flip.view(-1, 1, 1, 1), torch.flip(X, dims=[-2]), X)\n"),
        "mirrored left to right", "upside down"),
    Case("nb02-ex4-solution", flips(
        "    flip = torch.rand(len(X)) < 0.5\n"
        "    return torch.where(flip.view(-1, 1, 1, 1), torch.flip(X, dims=[-1]), X)\n"),
        "draw the randomness from `generator`", "the global random generator"),
    Case("nb02-ex4-solution", flips("    return torch.flip(X, dims=[-1])\n"), "100% of the images were mirrored",
         "every image flipped"),
    Case("nb02-ex4-solution", flips(
        "    if torch.rand(1, generator=generator) < 0.5:\n        return X.flip(-1)\n    return X.clone()\n"),
        "of the images were mirrored", "one coin for the whole batch"),
]
