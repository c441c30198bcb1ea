"""Callbacks: code that ``fit`` runs at fixed points of training, with Keras' names.

``fit`` calls, in this order::

    on_train_begin(logs)
    for each epoch:
        on_epoch_begin(epoch, logs)
        for each batch:
            on_train_batch_begin(batch, logs)
            ... forward, loss, backward, optimizer step ...
            on_train_batch_end(batch, logs)     logs: running means so far this epoch
        ... validation ...
        on_epoch_end(epoch, logs)               logs: {"loss", metrics, "val_loss", ...}
    on_train_end(logs)

``epoch`` and ``batch`` count from 0.  A callback reaches the model through
``self.model`` (given by :meth:`Callback.set_model`) and stops training by
setting ``self.model.stop_training = True``; ``fit`` checks the flag after
every batch and every epoch.  The logs dict of ``on_epoch_end`` is shared by
all callbacks in order, so a callback may add a key (as
:class:`LearningRateScheduler` adds ``learning_rate``) that :class:`History`,
which always runs last, then records.
The package sits below the models and imports nothing of them: models are
reached through ``self.model`` and their methods (``get_weights``,
``set_weights``, ``save``, ``save_weights``), optimizers through
``current_learning_rate`` and ``learning_rate``; the progress text is
:mod:`autograd_mlp.progress`'s.  Its modules: ``base`` (the protocol,
``History``, ``LambdaCallback``), ``progbar`` (``ProgbarLogger``),
``monitoring`` (``EarlyStopping``, ``TerminateOnNaN``), ``learning_rate``
(``LearningRateScheduler``, ``ReduceLROnPlateau``) and ``files``
(``ModelCheckpoint``, ``CSVLogger``).
"""

# The progress formatters under the names this module used to have for them.
from ..progress import format_duration as _format_duration  # noqa: F401
from ..progress import format_number as _format_number  # noqa: F401
from .base import Callback, CallbackList, History, LambdaCallback
from .files import CSVLogger, ModelCheckpoint
from .learning_rate import LearningRateScheduler, ReduceLROnPlateau
from .monitoring import EarlyStopping, TerminateOnNaN
from .progbar import ProgbarLogger

__all__ = [
    "Callback",
    "CallbackList",
    "History",
    "ProgbarLogger",
    "EarlyStopping",
    "LearningRateScheduler",
    "ReduceLROnPlateau",
    "ModelCheckpoint",
    "CSVLogger",
    "TerminateOnNaN",
    "LambdaCallback",
]
