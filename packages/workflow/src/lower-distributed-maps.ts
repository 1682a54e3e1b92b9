import type { AslDefinition, AslItemReader, AslMapState, AslState, AslTaskState } from './asl';

/** Where a lowered Map finds the items its reader state read (a field of the state, removed by no one: the Map's ResultPath keeps it). */
const itemsPathOf = (mapName: string) => `$.localItems${mapName}`;

/** The name of the Task state that reads a lowered Map's items. */
export const itemReaderStateName = (mapName: string) => `${mapName}ReadItems`;

/** A Distributed Map read by its reader state and run as an inline Map. */
export interface LoweredMap {
  /** The Map's name (unchanged; its child states keep their names). */
  map: string;
  /** The Task state inserted before it; the local engine's handler for it reads the items. */
  reader: string;
  /** What the reader reads: the Map's ItemReader, as written. */
  itemReader: AslItemReader;
}

/** Points every transition to `from` at `to` instead (Next, Default, each Choice and Catcher), except in `skip`. */
function redirect(states: Record<string, AslState>, from: string, to: string, skip: string): Record<string, AslState> {
  const moved = (name: string | undefined) => (name === from ? to : name);
  return Object.fromEntries(
    Object.entries(states).map(([name, state]): [string, AslState] => {
      if (name === skip) return [name, state];
      const next: Record<string, unknown> = { ...state };
      if ('Next' in state && state.Next !== undefined) next.Next = moved(state.Next);
      if (state.Type === 'Choice') {
        next.Choices = state.Choices.map((choice) => ({ ...choice, Next: moved(choice.Next) }));
        if (state.Default !== undefined) next.Default = moved(state.Default);
      }
      if ('Catch' in state && state.Catch) next.Catch = state.Catch.map((catcher) => ({ ...catcher, Next: moved(catcher.Next)! }));
      return [name, next as unknown as AslState];
    }),
  );
}

/**
 * The definition as a local engine without a Distributed Map runs it
 * (aws-local-stepfunctions runs Maps inline and reads no ItemReader): each
 * top-level Map that reads its items from S3 gets a Task state before it
 * (`<Map>ReadItems`, its Parameters those of the ItemReader) whose local
 * handler reads the items, and becomes an inline Map over them with the
 * same ItemSelector, MaxConcurrency, item processor, ResultPath and
 * catchers. Every other state is left as it is. The cloud runs the
 * definition as built; this only replaces what the engine cannot do by the
 * one read it stands for.
 */
export function lowerDistributedMaps(definition: AslDefinition): { definition: AslDefinition; lowered: LoweredMap[] } {
  let states: Record<string, AslState> = { ...definition.States };
  const lowered: LoweredMap[] = [];
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Map' || !state.ItemReader) continue;
    const reader = itemReaderStateName(name);
    if (reader in states) throw new Error(`cannot lower ${name}: a state named ${reader} exists`);
    const { ItemReader: itemReader, Label: _label, ItemsPath: _itemsPath, ...rest } = state;
    const inline: AslMapState = { ...rest, ItemsPath: itemsPathOf(name), ItemProcessor: { ...state.ItemProcessor, ProcessorConfig: { Mode: 'INLINE' } } };
    const read: AslTaskState = {
      Type: 'Task',
      Comment: `Reads the items of ${name} (its ItemReader: ${itemReader.Resource}, ${itemReader.ReaderConfig.InputType}).`,
      Resource: itemReader.Resource,
      Parameters: { ...itemReader.Parameters },
      ResultPath: itemsPathOf(name),
      ...(state.Catch ? { Catch: state.Catch } : {}),
      Next: name,
    };
    states = redirect({ ...states, [name]: inline }, name, reader, reader);
    states[reader] = read;
    lowered.push({ map: name, reader, itemReader });
  }
  const startAt = lowered.find((entry) => entry.map === definition.StartAt)?.reader ?? definition.StartAt;
  return { definition: { ...definition, StartAt: startAt, States: states }, lowered };
}
