"""The callback protocol: ``Callback``, the ``CallbackList`` that ``fit`` drives, ``History`` and ``LambdaCallback``."""

from __future__ import annotations

__all__ = ["Callback", "CallbackList", "History", "LambdaCallback"]


class Callback:
    """Base class: every hook does nothing; override the ones you need.

    Attributes
    ----------
    model
        The model being trained (set by ``fit`` through :meth:`set_model`).
    params : dict
        What ``fit`` was asked to do: ``epochs``, ``initial_epoch``, ``steps``
        (batches per epoch), ``samples`` (training rows), ``verbose``.
    """

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = dict(params)

    def on_train_begin(self, logs=None):
        """Called once before the first epoch."""

    def on_train_end(self, logs=None):
        """Called once after the last epoch (or after training was stopped)."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of epoch ``epoch`` (0-based)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called after epoch ``epoch`` with its training (and validation) results in ``logs``."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called before the update of batch ``batch`` (0-based within the epoch)."""
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after the update of batch ``batch``; ``logs`` holds the epoch's running means so far."""
        self.on_batch_end(batch, logs)

    # Keras' older names for the batch hooks; the train_batch hooks call them.
    def on_batch_begin(self, batch, logs=None):
        """Older name of :meth:`on_train_batch_begin`."""

    def on_batch_end(self, batch, logs=None):
        """Older name of :meth:`on_train_batch_end`."""


def _overrides(callback, *names):
    """True when the callback redefines one of the named hooks (in its class, or on itself as LambdaCallback does)."""
    own = vars(callback)
    return any(name in own or getattr(type(callback), name) is not getattr(Callback, name) for name in names)


class CallbackList:
    """Dispatch each hook to a list of callbacks, in order.

    The batch hooks run for every batch, so the list remembers which callbacks
    define them and skips the others (and ``fit`` skips building batch logs
    when none does).
    """

    def __init__(self, callbacks, model, params):
        self.callbacks = list(callbacks)
        for callback in self.callbacks:
            callback.set_model(model)
            callback.set_params(params)
        self._batch_callbacks = [
            cb for cb in self.callbacks
            if _overrides(cb, "on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end")
        ]

    @property
    def wants_batch_logs(self):
        return bool(self._batch_callbacks)

    def on_train_begin(self, logs=None):
        for cb in self.callbacks:
            cb.on_train_begin(logs)

    def on_train_end(self, logs=None):
        for cb in self.callbacks:
            cb.on_train_end(logs)

    def on_epoch_begin(self, epoch, logs=None):
        for cb in self.callbacks:
            cb.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        for cb in self.callbacks:
            cb.on_epoch_end(epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        for cb in self._batch_callbacks:
            cb.on_train_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        for cb in self._batch_callbacks:
            cb.on_train_batch_end(batch, logs)


# ------------------------------------------------------------------ History
class History(Callback):
    """Records every epoch's logs: ``history["loss"][i]`` is the loss of epoch ``epoch[i]``.

    ``fit`` makes a new one each call, runs it after every other callback, and
    returns it; it is also left on the model as ``model.history``.  Keys follow
    Keras: ``loss``, each metric under the name given to ``compile``, then
    ``val_loss``, ``val_<metric>`` when validating, and anything callbacks
    added (``learning_rate``).
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []
        if self.model is not None:
            self.model.history = self

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)

    def __repr__(self):
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"



# ------------------------------------------------------------ LambdaCallback
_LAMBDA_HOOKS = ("on_epoch_begin", "on_epoch_end", "on_train_batch_begin", "on_train_batch_end",
                 "on_batch_begin", "on_batch_end", "on_train_begin", "on_train_end")


class LambdaCallback(Callback):
    """A callback made of plain functions, as Keras' ``LambdaCallback``::

        LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"]))

    ``on_epoch_begin`` / ``on_epoch_end`` take ``(epoch, logs)``, the batch
    hooks ``(batch, logs)`` (``on_batch_begin`` / ``on_batch_end`` are Keras'
    older names for ``on_train_batch_begin`` / ``on_train_batch_end``), and
    ``on_train_begin`` / ``on_train_end`` take ``(logs)``.  Each must be
    callable or None; any other keyword is refused with the list of hooks.
    """

    def __init__(self, **hooks):
        super().__init__()
        unknown = sorted(set(hooks) - set(_LAMBDA_HOOKS))
        if unknown:
            raise TypeError(f"LambdaCallback got unknown hooks {unknown}; expected some of {list(_LAMBDA_HOOKS)}")
        for name, fn in hooks.items():
            if fn is not None and not callable(fn):
                raise TypeError(f"LambdaCallback {name} must be a function or None, got {type(fn).__name__}")
        if hooks.get("on_batch_begin") and hooks.get("on_train_batch_begin") or \
                hooks.get("on_batch_end") and hooks.get("on_train_batch_end"):
            raise TypeError("LambdaCallback: give a batch hook once, as on_train_batch_* or its older name on_batch_*")
        # Only the hooks given become methods, so fit's batch loop skips this
        # callback unless a batch hook was asked for.
        for name, fn in hooks.items():
            if fn is None:
                continue
            target = {"on_batch_begin": "on_train_batch_begin", "on_batch_end": "on_train_batch_end"}.get(name, name)
            setattr(self, target, fn)

