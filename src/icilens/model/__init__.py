"""The response model: feature encoding, training, the ensemble, its card, and storage as LightGBM text
(never pickle). A model that did not come with ICI Lens passes two walls before the server parses it:
`text_check` reads its text line by line, `isolation` has LightGBM read it in a separate process.
"""

from typing import TYPE_CHECKING

from icilens.face import lazy_face

_HOMES = {
    "BundleError": "zips",
    "CARD_FILE": "card",
    "CATEGORICAL": "encoding",
    "INTERVAL_PERCENTILES": "ensemble",
    "Model": "ensemble",
    "Prediction": "ensemble",
    "TrainingCancelled": "training",
    "check_zip_size": "zips",
    "default_model_dir": "storage",
    "encode_features": "encoding",
    "file_sha256": "storage",
    "list_missing": "encoding",
    "load_model": "storage",
    "model_from_zip": "zips",
    "model_to_zip": "zips",
    "save_model": "storage",
    "describe_range_method": "card",
    "summarise_card": "card",
    "train_model": "training",
}
__all__ = [
    "CARD_FILE",
    "CATEGORICAL",
    "INTERVAL_PERCENTILES",
    "BundleError",
    "Model",
    "Prediction",
    "TrainingCancelled",
    "check_zip_size",
    "default_model_dir",
    "describe_range_method",
    "encode_features",
    "file_sha256",
    "list_missing",
    "load_model",
    "model_from_zip",
    "model_to_zip",
    "save_model",
    "summarise_card",
    "train_model",
]
__getattr__, __dir__ = lazy_face(__name__, _HOMES)

if TYPE_CHECKING:
    from icilens.model.card import CARD_FILE, describe_range_method, summarise_card
    from icilens.model.encoding import CATEGORICAL, encode_features, list_missing
    from icilens.model.ensemble import INTERVAL_PERCENTILES, Model, Prediction
    from icilens.model.storage import default_model_dir, file_sha256, load_model, save_model
    from icilens.model.training import TrainingCancelled, train_model
    from icilens.model.zips import BundleError, check_zip_size, model_from_zip, model_to_zip
