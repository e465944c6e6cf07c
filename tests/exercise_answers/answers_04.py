"""Lesson 04: typical wrong answers, lazy answers and correct alternatives, with the message each must get."""
from exercise_cases import PASS, Case

EX1, EX2, EX3, EX4, EX5 = (f"nb04-ex{k}-solution" for k in range(1, 6))

MODEL = """
class MySoftmaxRegression(nn.Module):
    def __init__(self, num_inputs=784, num_outputs=10):
        super().__init__()
        self.linear = nn.Linear(num_inputs, num_outputs)

    def forward(self, X):
        return {forward}


def copy_scratch_weights(model, W, b):
{copy}
"""
GOOD_COPY = """    with torch.no_grad():
        model.linear.weight.copy_(W.T)
        model.linear.bias.copy_(b)"""
GOOD_FORWARD = "self.linear(X.reshape(len(X), -1))"


def model(forward=GOOD_FORWARD, copy=GOOD_COPY):
    """A solution for exercise 2 with one part replaced."""
    return MODEL.format(forward=forward, copy=copy)


CASES = [
    # exercise 1: the loss floor of a model with a softmax too many
    Case(EX1, """
def double_softmax_min_loss(num_classes):
    return 0.0
""", "which values can the scores", "a loss can reach 0, as usual"),
    Case(EX1, """
def double_softmax_min_loss(num_classes):
    return 1.4612
""", "with 1 classes you give", "hard-coded visible value"),
    Case(EX1, """
def double_softmax_min_loss(num_classes):
    return math.log(num_classes)
""", "which values can the scores", "the loss of uniform probabilities"),
    Case(EX1, """
def double_softmax_min_loss(num_classes):
    return -math.log(math.e / (math.e + num_classes - 1))
""", PASS, "the same bound written as -log(e / (e + K - 1))"),
    Case(EX1, """
def double_softmax_min_loss(num_classes):
    p = torch.zeros(1, num_classes)
    p[0, 0] = 1.0
    return nn.CrossEntropyLoss()(p, torch.tensor([0]))
""", PASS, "computed in float32 from the best possible output"),
    # exercise 2: a module class and the weight layout
    Case(EX2, model(copy="""    with torch.no_grad():
        model.linear.weight.copy_(W.reshape(W.shape[1], W.shape[0]))
        model.linear.bias.copy_(b)"""), "the logits after copy_scratch_weights", "reshape instead of transpose"),
    Case(EX2, model(copy="""    model.linear.weight.copy_(W.T)
    model.linear.bias.copy_(b)"""), "raised RuntimeError", "in-place copy recorded by autograd"),
    Case(EX2, model(copy="""    model.linear.weight = nn.Parameter(W.T.clone())
    model.linear.bias = nn.Parameter(b.clone())"""), "replaced the model's parameter tensors", "new Parameters"),
    Case(EX2, model(forward="torch.softmax(self.linear(X.flatten(1)), dim=1)"), "forward returns probabilities",
         "softmax in forward"),
    Case(EX2, model(copy="""    with torch.no_grad():
        model.linear.weight.data = W.T.clone()
        model.linear.bias.data = b.clone()"""), PASS, "through .data"),
    Case(EX2, model(forward="self.linear(nn.Flatten()(X))", copy="""    with torch.no_grad():
        for p, new in zip(model.parameters(), (W.T, b)):
            p.copy_(new)"""), PASS, "a loop over the parameters"),
    Case(EX2, """
class MySoftmaxRegression(nn.Module):
    def __init__(self, num_inputs=784, num_outputs=10):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))

    def forward(self, X):
        return self.net(X)


def copy_scratch_weights(model, W, b):
    with torch.no_grad():
        model.net[1].weight.copy_(W.T)
        model.net[1].bias.copy_(b)
""", "12 inputs, 3 classes", "hard-coded 784 and 10"),
    # exercise 3: probabilities at inference
    Case(EX3, """
def predict_proba(net, X):
    with torch.no_grad():
        return torch.softmax(net(X), dim=1)
""", "still behaves as during training", "no eval()"),
    Case(EX3, """
def predict_proba(net, X):
    net.eval()
    return torch.softmax(net(X), dim=1)
""", "carry a computation graph", "no no_grad()"),
    Case(EX3, """
def predict_proba(net, X):
    net.eval()
    with torch.no_grad():
        O = net(X)
    return torch.exp(O) / torch.exp(O).sum(dim=1, keepdim=True)
""", "logits in the thousands", "exp / sum overflows"),
    Case(EX3, """
def predict_proba(net, X):
    net.eval()
    with torch.no_grad():
        return torch.softmax(net(X), dim=0)
""", "the row sums of your probabilities", "normalised over the batch"),
    Case(EX3, """
def predict_proba(net, X):
    net.eval()
    with torch.inference_mode():
        return nn.functional.softmax(net(X), dim=-1)
""", PASS, "inference_mode and F.softmax"),
    Case(EX3, """
def predict_proba(net, X):
    net.eval()
    with torch.no_grad():
        return torch.softmax(net(X).double(), dim=1)
""", PASS, "float64 probabilities"),
    # exercise 4: saving and loading
    Case(EX4, """
def save_and_reload(model, path):
    torch.save(model, path)
    clone = torch.load(path, weights_only=False)
    return clone
""", "not the model's state dict", "saves the whole object"),
    Case(EX4, """
import copy


def save_and_reload(model, path):
    torch.save(model.state_dict(), path)
    return copy.deepcopy(model)
""", "you return a _Tagged", "a deep copy instead of a reload"),
    Case(EX4, """
def save_and_reload(model, path):
    torch.save(model.state_dict(), path)
    clone = SoftmaxRegression()
    clone.load_state_dict(model.state_dict())
    return clone
""", PASS, "loads from memory rather than the file (indistinguishable from outside)"),
    Case(EX4, """
def save_and_reload(model, path):
    torch.save(model.state_dict(), path)
    return model
""", "shares its tensors with the original", "returns the same model"),
    Case(EX4, """
def save_and_reload(model, path):
    torch.save(model.state_dict(), str(path))
    clone = SoftmaxRegression()
    clone.load_state_dict(torch.load(str(path), map_location="cpu"))
    return clone.eval()
""", PASS, "string paths, map_location"),
    # exercise 5: the part of the weight that SGD never changes
    Case(EX5, """
def unchanged_part(weight):
    return weight.mean(dim=1, keepdim=True).expand_as(weight)
""", "What does each row of", "the mean over the inputs (the transposed layout)"),
    Case(EX5, """
def unchanged_part(weight):
    return torch.zeros_like(weight)
""", "a weight whose rows are all equal", "lazy: nothing is unchanged"),
    Case(EX5, """
def unchanged_part(weight):
    return weight
""", "What does each row of", "lazy: everything is unchanged"),
    Case(EX5, """
def unchanged_part(weight):
    return weight.mean(dim=0)
""", "expected the shape of the weight", "the mean without broadcasting back"),
    Case(EX5, """
def unchanged_part(weight):
    return weight.sum(dim=0, keepdim=True) / weight.shape[0] * torch.ones_like(weight)
""", PASS, "sum over the classes divided by their number"),
    Case(EX5, """
def unchanged_part(weight):
    k = weight.shape[0]
    return torch.full((k, k), 1.0 / k, dtype=weight.dtype) @ weight
""", PASS, "as a projection matrix"),
]
