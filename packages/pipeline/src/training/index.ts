export { exportTrainingData, type ExportTrainingDeps, type ExportTrainingSettings } from './export-training-data';
export { calibrateCandidate, type TrainingFilesDeps } from './calibrate-candidate';
export { evaluateCandidate, type EvaluateCandidateDeps } from './evaluate-candidate';
export { registerModel, type RegisterModelDeps, type RegisterModelSettings } from './register-model';
export { recordTrainingFailure, type RecordTrainingFailureDeps, type TrainingFailureRecord } from './record-training-failure';
export { createModelPackage, setModelPackageApproval, writeCurrentPointer, type ModelPackageInput } from './model-registry';
export { candidateFileSchema, type CandidateFile } from './candidate-file';
export { readTrainedForest } from './trained-models';
export { currentModelLoader } from './current-model';
