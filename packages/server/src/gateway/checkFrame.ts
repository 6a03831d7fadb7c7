import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { CLIENT_FRAMES, type ClientFrame, type ClientFrameType } from '@parley/protocol';
import { invalid } from '../errors.js';

const checks = Object.fromEntries(
  Object.entries(CLIENT_FRAMES).map(([type, schema]) => [type, TypeCompiler.Compile(schema as TSchema)]),
) as Record<ClientFrameType, TypeCheck<TSchema>>;

/** Parses one text frame and validates it against its type's schema; errors name the field. */
export function checkFrame(text: string): ClientFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('frame is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('frame must be a JSON object');
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') throw invalid('type: missing');
  const check = Object.hasOwn(checks, type) ? checks[type as ClientFrameType] : undefined;
  if (!check) throw invalid(`type: unknown frame type "${type.slice(0, 32)}"`);
  if (!check.Check(value)) {
    const first = check.Errors(value).First();
    const field = first?.path.replace(/^\//, '').replace(/\//g, '.') || 'frame';
    throw invalid(`${field}: ${first?.message.toLowerCase() ?? 'is invalid'}`);
  }
  return value as ClientFrame;
}

/** The clientMsgId of a frame that failed, so the error can point at it. */
export function refOf(text: string): string | undefined {
  const match = /"clientMsgId"\s*:\s*"([^"\\]{1,64})"/.exec(text.slice(0, 4096));
  return match?.[1];
}
