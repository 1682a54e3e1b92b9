"""airfill's training job in SageMaker's XGBoost 1.7-1 container (script mode).

Does what the local training job does with the xgboost CLI
(packages/local/src/training/training-job.ts): trains on the LIBSVM rows of
the `train` channel with the run's hyper-parameters (the recipe:
DEFAULT_BOOSTER_PARAMS and num_round of packages/model/src/fit.ts, passed by
the state machine) and writes the model alone as JSON, `xgboost-model.json`,
which model.tar.gz carries to the registry and the batch transform.
"""
import glob
import json
import os

import xgboost as xgb

PREFIX = "/opt/ml"


def main():
    with open(os.path.join(PREFIX, "input/config/hyperparameters.json")) as handle:
        hyper = json.load(handle)
    rounds = int(hyper.pop("num_round"))
    # SageMaker's own keys steer script mode, not the booster.
    params = {name: value for name, value in hyper.items() if not name.startswith("sagemaker_")}
    files = sorted(glob.glob(os.path.join(PREFIX, "input/data/train/*")))
    if not files:
        raise SystemExit("ClientError: no training rows in the train channel")
    rows = os.path.join("/tmp", "train.libsvm")
    with open(rows, "wb") as out:
        for name in files:
            with open(name, "rb") as part:
                out.write(part.read())
    booster = xgb.train(params, xgb.DMatrix(rows + "?format=libsvm"), num_boost_round=rounds)
    booster.save_model(os.path.join(PREFIX, "model/xgboost-model.json"))


if __name__ == "__main__":
    main()
