export { runTraining, type TrainingOptions, type TrainingExecution, type TrainingProgress } from './run-training';
export { runTrainingJob, TrainingJobFailed, type TrainingJobOutcome } from './training-job';
export { LocalModelRegistry, type LocalModelPackage } from './model-registry';
