"""``model.summary()``: Keras' table of a model's layers, output shapes and parameter counts."""

from __future__ import annotations

import numpy as np

__all__ = ["print_summary"]


def print_summary(model, input_width=None, print_fn=None):
    """Print ``model``'s table one line at a time to ``print_fn`` (``print`` by default).

    ``input_width`` is the number of input features when known (the model's
    own shape of a case, such as (8, 8), is used when it has one); each layer's
    output shape is ``(None, ...)``, from the shapes flowing through the
    layers, or from the layer's units (or a nested model's last width), ``?``
    while unknown.
    """
    print_fn = print if print_fn is None else print_fn
    layers = list(getattr(model, "layers", None) or model.children())
    known = getattr(model, "known_input_shape", None)
    case = known() if callable(known) else None
    if case is None and input_width is not None:
        case = (input_width,)
    # Shapes flow through the layers only in a built model: asking an unbuilt
    # Dense for its output shape would build it.
    flowing = case is not None and getattr(model, "built", True)
    rows = []
    for layer in layers:
        if flowing and hasattr(layer, "compute_output_shape"):
            case = tuple(layer.compute_output_shape(case))
        else:
            units = getattr(layer, "units", None)
            if units is None and hasattr(layer, "_declared_output_width"):
                units = layer._declared_output_width()  # a nested model: its own last width
            if units is not None:
                case = (units,)
            elif not getattr(layer, "keeps_shape", False):
                case = None
        shape = "(None, " + (", ".join(map(str, case)) if case is not None else "?") + ")"
        built = getattr(layer, "built", True)
        count = layer.count_params() if built else None
        rows.append((f"{getattr(layer, 'name', '')} ({type(layer).__name__})", shape,
                     str(count) if count is not None else "0 (unbuilt)"))
    params = model.parameters()
    total = sum(int(np.size(p.data)) for p in params)
    trainable = sum(int(np.size(p.data)) for p in params if p.requires_grad)
    c1 = max([28, *(len(r[0]) + 2 for r in rows)])
    c2 = max([26, *(len(r[1]) + 2 for r in rows)])
    c3 = max([10, *(len(r[2]) for r in rows)])
    line_length = 1 + c1 + c2 + c3
    print_fn(f'Model: "{getattr(model, "name", type(model).__name__)}"')
    print_fn("_" * line_length)
    print_fn(" " + "Layer (type)".ljust(c1) + "Output Shape".ljust(c2) + "Param #".rjust(c3))
    print_fn("=" * line_length)
    for i, (name, shape, count) in enumerate(rows):
        print_fn(" " + name.ljust(c1) + shape.ljust(c2) + count.rjust(c3))
        if i < len(rows) - 1:
            print_fn(" ")
    print_fn("=" * line_length)
    print_fn(f"Total params: {total:,}")
    print_fn(f"Trainable params: {trainable:,}")
    print_fn(f"Non-trainable params: {total - trainable:,}")
    print_fn("_" * line_length)
    if not getattr(model, "built", True):
        print_fn("Not built yet: give the first layer input_dim, or call fit/predict once, to create the weights.")
