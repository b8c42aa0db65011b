/**
 * The worker protocol's messages (docs/worker-protocol.md), as zod schemas: every answer a worker sends
 * is checked here before the harness uses it, so a worker of another version or a broken one is a
 * clear error, never a silently wrong number.
 */
import { z } from 'zod';

/** The highest protocol version this harness speaks. */
export const PROTOCOL_VERSION = 1 as const;

export const WORKER_PHASES = ['load', 'compile', 'run', 'output', 'out-of-memory', 'protocol', 'timeout', 'died'] as const;
export type WorkerPhase = (typeof WORKER_PHASES)[number];

export const TENSOR_DTYPES = ['float32', 'float16', 'int64', 'int32'] as const;
export type TensorDtype = (typeof TENSOR_DTYPES)[number];

/** A tensor on the wire: little-endian bytes, base64. */
export const WireTensorSchema = z.object({
  name: z.string(),
  dtype: z.enum(TENSOR_DTYPES),
  shape: z.array(z.number().int().nonnegative()),
  data: z.string(),
});
export type WireTensor = z.infer<typeof WireTensorSchema>;

const finiteMs = z.number().refine(Number.isFinite, { message: 'must be a finite number' }).refine((v) => v >= 0, { message: 'must be >= 0' });

export const HelloAnswerSchema = z.object({
  protocol: z.number().int().positive(),
  worker: z.object({ name: z.string().min(1), version: z.string() }),
  runtimes: z.record(z.string(), z.string()),
  compilers: z.array(
    z.object({
      id: z.string().min(1),
      hardware: z.enum(['cpu', 'gpu']),
      family: z.string().min(1),
      description: z.string(),
      available: z.boolean(),
      reason: z.string().optional(),
    }),
  ),
  device: z
    .object({ vendor: z.string(), architecture: z.string(), device: z.string(), description: z.string(), driver: z.string() })
    .nullable()
    .optional(),
});
export type HelloAnswer = z.infer<typeof HelloAnswerSchema>;

const settingValue = z.union([z.string(), z.number(), z.boolean()]);

const LoadedCompilerSchema = z.object({
  id: z.string().min(1),
  family: z.string().min(1),
  hardware: z.enum(['cpu', 'gpu']),
  settings: z.record(z.string(), settingValue),
  versions: z.record(z.string(), z.string()),
});
const LoadedModelSchema = z.object({
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  flopsPerSample: z.number().nullable(),
  params: z.number().int().nullable(),
  sampleShape: z.array(z.number().int().positive()),
  kind: z.enum(['block', 'archetype', 'user']),
});

export const LoadAnswerSchema = z.union([
  z.object({
    available: z.literal(true),
    compiler: LoadedCompilerSchema,
    model: LoadedModelSchema.optional(),
    /** Known at load for a worker that decides it by setting; a Node worker says it in the compile answer. */
    mode: z.enum(['compute-only', 'end-to-end']).optional(),
  }),
  // A Node worker says what it would have measured even when it cannot.
  z.object({ available: z.literal(false), reason: z.string().min(1), compiler: LoadedCompilerSchema.optional(), model: LoadedModelSchema.optional() }),
]);
export type LoadAnswer = z.infer<typeof LoadAnswerSchema>;

export const CompileAnswerSchema = z.object({
  compileMs: finiteMs,
  phases: z.record(z.string(), finiteMs).optional(),
  mode: z.enum(['compute-only', 'end-to-end']).optional(),
});
export type CompileAnswer = z.infer<typeof CompileAnswerSchema>;

export const RunAnswerSchema = z.object({ times: z.array(finiteMs).min(1) });
export const OutputAnswerSchema = z.object({ outputs: z.array(WireTensorSchema).min(1) });
export const EmptyAnswerSchema = z.object({});
/** `dispose` may say how much memory the handle's worker used at its peak. */
export const DisposeAnswerSchema = z.object({
  memory: z.object({ rssPeakBytes: z.number().int().nonnegative(), deviceBytes: z.number().int().nonnegative().nullable() }).optional(),
});

/** `list` (Node workers): the cases this checkout's spec files define for a selection. */
export const ListAnswerSchema = z.object({
  cases: z.array(z.object({ key: z.string().min(1), compiler: z.string().min(1), hardware: z.enum(['cpu', 'gpu']) })),
  errors: z.array(z.object({ where: z.string(), message: z.string() })),
});

export const ErrorAnswerSchema = z.object({
  id: z.number().int(),
  ok: z.literal(false),
  error: z.object({ message: z.string(), phase: z.enum(WORKER_PHASES).optional() }),
});

/** float32 values as they travel: little-endian bytes, base64. */
export function float32ToBase64(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

/** Any input tensor's values as they travel: little-endian bytes (float16 as its bit patterns), base64. */
export function tensorToBase64(data: Float32Array | Uint16Array | Int32Array | BigInt64Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

/** A wire tensor's values as float32, whatever its dtype (float16 and integers are widened). */
export function wireTensorToFloat32(tensor: WireTensor): Float32Array {
  const bytes = Buffer.from(tensor.data, 'base64');
  const count = tensor.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = { float32: 4, float16: 2, int64: 8, int32: 4 }[tensor.dtype];
  if (bytes.byteLength !== count * width) {
    throw new Error(`output ${tensor.name}: ${bytes.byteLength} bytes for shape [${tensor.shape.join(', ')}] of ${tensor.dtype}`);
  }
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    if (tensor.dtype === 'float32') out[i] = view.getFloat32(i * 4, true);
    else if (tensor.dtype === 'int32') out[i] = view.getInt32(i * 4, true);
    else if (tensor.dtype === 'int64') out[i] = Number(view.getBigInt64(i * 8, true));
    else out[i] = halfToFloat(view.getUint16(i * 2, true));
  }
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
