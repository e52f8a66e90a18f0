"""The response model: feature encoding, the ensemble, exact TreeSHAP of it (`treeshap`), the range from
missing inputs (`uncertainty`), its card, and storage as LightGBM text (never pickle). Training it is
`icilens.training`, a layer above. A model that did not come with ICI Lens passes two walls before the server
parses it: `text_check` reads its text line by line, `isolation` has LightGBM read it in a separate process.
"""

from icilens.model.card import CARD_FILE, describe_range_method, summarise_card
from icilens.model.encoding import CATEGORICAL, encode_features, list_missing
from icilens.model.ensemble import INTERVAL_PERCENTILES, Model, Prediction
from icilens.model.storage import default_model_dir, file_sha256, load_model, save_model
from icilens.model.treeshap import (
    MAX_SPLITS,
    SMALL_BATCH,
    TreeExplainer,
    interaction_values,
    pick_interacting_feature,
    rank_interaction_pairs,
)
from icilens.model.uncertainty import (
    DRAWS,
    card_draw_level,
    describe_estimability,
    describe_range,
    describe_uncertainty,
    drop_features,
    estimate_ranges,
    measure_coverage,
)
from icilens.model.zips import BundleError, check_zip_size, model_from_zip, model_to_zip

__all__ = [
    "CARD_FILE",
    "CATEGORICAL",
    "DRAWS",
    "INTERVAL_PERCENTILES",
    "MAX_SPLITS",
    "SMALL_BATCH",
    "BundleError",
    "Model",
    "Prediction",
    "TreeExplainer",
    "card_draw_level",
    "check_zip_size",
    "default_model_dir",
    "describe_estimability",
    "describe_range",
    "describe_range_method",
    "describe_uncertainty",
    "drop_features",
    "encode_features",
    "estimate_ranges",
    "file_sha256",
    "interaction_values",
    "list_missing",
    "load_model",
    "measure_coverage",
    "model_from_zip",
    "model_to_zip",
    "pick_interacting_feature",
    "rank_interaction_pairs",
    "save_model",
    "summarise_card",
]
