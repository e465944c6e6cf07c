"""Typical wrong, lazy and correct answers to notebook 10's autograded exercises, and what each test cell must say."""
from exercise_cases import PASS, Case

EX1 = '''
def early_stop(val_losses, patience, min_delta=0.0):
    best, best_epoch = math.inf, 0
    for epoch, loss in enumerate(val_losses, 1):
        if loss < best - min_delta:
            best, best_epoch = loss, epoch
        if epoch - best_epoch >= patience:
            return epoch, best_epoch
    return len(val_losses), best_epoch
'''
EX2 = '''
def first_steps(w0, g, lr, wd):
    eps = 1e-8
    g_l2 = g + wd * w0
    w_l2 = w0 - lr * g_l2 / (g_l2.abs() + eps)
    w_adamw = w0 * (1 - lr * wd) - lr * g / (g.abs() + eps)
    return w_l2, w_adamw
'''
EX2_FULL = '''
def adam_step(w, g, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v = (1 - beta1) * g, (1 - beta2) * g ** 2
    m_hat, v_hat = m / (1 - beta1), v / (1 - beta2)
    return w - lr * m_hat / (v_hat.sqrt() + eps)


def first_steps(w0, g, lr, wd):
    return adam_step(w0, g + wd * w0, lr), adam_step(w0 * (1 - lr * wd), g, lr)
'''
EX3 = '''
def clip_gradients(params, max_norm):
    total = torch.sqrt(sum((p.grad ** 2).sum() for p in params))
    if total > max_norm:
        for p in params:
            p.grad.mul_(max_norm / total)
    return total
'''
BUGGY_CLIP = '''
def clip_gradients(params, max_norm):
    for p in params:
        norm = p.grad.norm()
        p.grad.mul_(max_norm / norm)
    return norm
'''

CASES = [
    # exercise 1: early stopping on the loss
    Case("nb10-ex1-solution", EX1, PASS, "the model answer"),
    Case("nb10-ex1-solution", '''
def early_stop(val_losses, patience, min_delta=0.0):
    best_epoch, waited = 0, 0
    for epoch in range(1, len(val_losses) + 1):
        best = val_losses[best_epoch - 1] if best_epoch else float("inf")
        if val_losses[epoch - 1] < best - min_delta:
            best_epoch, waited = epoch, 0
        else:
            waited += 1
            if waited == patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch
''', PASS, "a counter of epochs without improvement"),
    Case("nb10-ex1-solution", EX1.replace("if loss < best - min_delta:", "if loss <= best - min_delta:"),
         "a flat curve (equal is no improvement)", "an equal loss counted as an improvement"),
    Case("nb10-ex1-solution", EX1.replace("if loss < best - min_delta:", "if loss < best + min_delta:"),
         "min_delta 0.02", "min_delta with the wrong sign"),
    Case("nb10-ex1-solution", EX1.replace(">= patience", "> patience"), "patience 2", "off by one: one epoch late"),
    Case("nb10-ex1-solution", EX1.replace("enumerate(val_losses, 1)", "enumerate(val_losses)"), "patience 2",
         "epochs counted from 0"),
    Case("nb10-ex1-solution", '''
def early_stop(val_losses, patience, min_delta=0.0):
    if val_losses[0] == 1.0:
        return 3, 1
    if patience == 4:
        return 8, 8
    return (4, 2) if min_delta else (6, 4)
''', "hidden case: a random curve", "lazy: the visible answers typed in"),
    # exercise 2: Adam's first step, coupled and decoupled
    Case("nb10-ex2-solution", EX2, PASS, "the model answer"),
    Case("nb10-ex2-solution", EX2_FULL, PASS, "Adam's rule written out with m, v and the bias corrections"),
    Case("nb10-ex2-solution", '''
def first_steps(w0, g, lr, wd):
    return w0 - lr * torch.sign(g + wd * w0), w0 * (1 - lr * wd) - lr * torch.sign(g)
''', PASS, "the first step as lr times the sign (eps neglected)"),
    Case("nb10-ex2-solution", EX2.replace("(g.abs() + eps)", "g.abs()"), "zero gradient gives nan",
         "no eps: 0/0 for the zero-gradient coordinate"),
    Case("nb10-ex2-solution", EX2.replace("w_l2 = w0 - lr * g_l2 / (g_l2.abs() + eps)",
                                          "w_l2 = w0 * (1 - lr * wd) - lr * g / (g.abs() + eps)"),
         "equals AdamW's", "L2 treated as decoupled decay"),
    Case("nb10-ex2-solution", EX2.replace("w_adamw = w0 * (1 - lr * wd) - lr * g / (g.abs() + eps)",
                                          "w_adamw = (w0 - lr * g / (g.abs() + eps)) * (1 - lr * wd)"),
         "shrinks the weights after the Adam step", "decay applied after the step"),
    Case("nb10-ex2-solution", EX2.replace("w_l2 = w0 - lr * g_l2 / (g_l2.abs() + eps)", "w_l2 = w0 - lr * g_l2"),
         "Adam with L2 (coupled)", "the L2 step without Adam's normalisation (an SGD step)"),
    Case("nb10-ex2-solution", EX2.replace("w0 * (1 - lr * wd)", "w0 - lr * wd"), "AdamW (decoupled)",
         "decay subtracted as a constant, not proportional to the weights"),
    Case("nb10-ex2-solution", '''
def first_steps(w0, g, lr, wd):
    out = []
    for optimizer in (torch.optim.Adam, torch.optim.AdamW):
        w = nn.Parameter(w0.clone())
        opt = optimizer([w], lr=lr, weight_decay=wd)
        w.grad = g.clone()
        opt.step()
        out.append(w.detach())
    return tuple(out)
''', "is not allowed here", "lazy: run the optimisers"),
    # exercise 3: find the bugs in a clipping function
    Case("nb10-ex3-solution", EX3, PASS, "the model answer"),
    Case("nb10-ex3-solution", '''
def clip_gradients(params, max_norm):
    total = torch.linalg.vector_norm(torch.cat([p.grad.flatten() for p in params]))
    factor = min(1.0, max_norm / total.item())
    for p in params:
        p.grad = p.grad * factor
    return total
''', PASS, "one concatenated vector, out-of-place rescaling"),
    Case("nb10-ex3-solution", EX3.replace("torch.sqrt(sum((p.grad ** 2).sum() for p in params))",
                                          "math.sqrt(sum(float(p.grad.norm()) ** 2 for p in params))"),
         PASS, "a Python float for the norm"),
    Case("nb10-ex3-solution", BUGGY_CLIP, "the returned norm", "the function as given"),
    Case("nb10-ex3-solution", '''
def clip_gradients(params, max_norm):
    total = torch.sqrt(sum((p.grad ** 2).sum() for p in params))
    for p in params:
        norm = p.grad.norm()
        if norm > max_norm:
            p.grad.mul_(max_norm / norm)
    return total
''', "clip on the total", "each tensor clipped on its own norm"),
    Case("nb10-ex3-solution", EX3.replace("    if total > max_norm:\n        for p in params:\n            p.grad",
                                          "    for p in params:\n        if True:\n            p.grad"),
         "it must not change", "small gradients scaled up"),
    Case("nb10-ex3-solution", EX3.replace("    return total", "    return torch.sqrt(sum((p.grad ** 2).sum() "
                                                            "for p in params))"),
         "the returned norm", "the norm after clipping returned"),
    Case("nb10-ex3-solution", EX3.replace("torch.sqrt(sum((p.grad ** 2).sum() for p in params))",
                                          "sum(p.grad.norm() for p in params)"),
         "the returned norm", "the sum of the norms instead of the norm of everything"),
    Case("nb10-ex3-solution", '''
def clip_gradients(params, max_norm):
    return torch.nn.utils.clip_grad_norm_(params, max_norm)
''', "is not allowed here", "lazy: PyTorch's own function"),
]
