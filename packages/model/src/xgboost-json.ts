import { z } from 'zod';

/**
 * The part of an XGBoost 1.7 JSON model (`save_model("*.json")`, CLI `model_out=*.json`)
 * the scorer reads. Numbers in `learner_model_param` are strings in the file.
 */
const numberList = z.array(z.number());
const flagList = z.array(z.union([z.number(), z.boolean()]).transform((flag) => flag === true || flag === 1));

/** One regression tree in XGBoost's struct-of-arrays layout; leaves have left child -1 and hold their value in `split_conditions`. */
export const xgboostTreeSchema = z
  .object({
    left_children: numberList,
    right_children: numberList,
    split_indices: numberList,
    split_conditions: numberList,
    default_left: flagList,
    split_type: numberList.optional(),
  })
  .refine(
    (tree) =>
      [tree.right_children, tree.split_indices, tree.split_conditions, tree.default_left].every(
        (list) => list.length === tree.left_children.length,
      ) && tree.left_children.length > 0,
    { error: 'tree arrays differ in length or are empty' },
  );

/** Objectives whose prediction is the raw margin (identity link). */
export const IDENTITY_OBJECTIVES = ['reg:squarederror', 'reg:pseudohubererror', 'reg:absoluteerror'] as const;

/** The model file as far as the scorer is concerned. */
export const xgboostModelSchema = z.object({
  version: z.array(z.number()).optional(),
  learner: z.object({
    learner_model_param: z.object({
      base_score: z.string().transform(Number).pipe(z.number()),
      num_class: z.string().optional(),
      num_feature: z.string().transform(Number).pipe(z.number().int().nonnegative()),
      num_target: z.string().optional(),
    }),
    objective: z.object({ name: z.string() }),
    gradient_booster: z.object({
      name: z.string(),
      model: z
        .object({
          trees: z.array(xgboostTreeSchema),
          tree_info: z.array(z.number()).optional(),
        })
        .optional(),
    }),
  }),
});

/** A parsed model file. */
export type XgboostModelJson = z.infer<typeof xgboostModelSchema>;
/** A parsed tree. */
export type XgboostTreeJson = z.infer<typeof xgboostTreeSchema>;
