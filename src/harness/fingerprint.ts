/**
 * The hardware fingerprint recorded with every run, and the hardware id derived from it.
 *
 * The id names the baseline file (`baselines/<id>.json`): the CPU model, the logical core count and,
 * when a GPU compiler ran, the GPU's vendor and device, slugged, e.g. `amd-epyc-7b13-2c` or
 * `amd-epyc-7b13-16c-nvidia-h100`. Memory, OS and versions are recorded but kept out of the id: they
 * do not decide which numbers are comparable as much as the processor does, and runtime versions are
 * checked per case (a changed version makes that case stale).
 */
import os from 'node:os';
import type { GpuInfo } from '../adapters/types.ts';
import type { Hardware } from '../results/schema.ts';

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/\(r\)|\(tm\)|cpu @.*$|processor|\d+-core/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

export function hardwareId(cpuModel: string, cores: number, gpu: GpuInfo | null): string {
  const cpu = `${slug(cpuModel) || 'unknown-cpu'}-${cores}c`;
  if (gpu === null) return cpu;
  // Dawn names the device (`nvidia-h100-80gb-hbm3`) on some drivers and only a PCI id on others; the
  // description then carries the name, or on NVIDIA just the driver version, which is no name at all.
  const named = (text: string): boolean => text !== '' && !/^(0x)?[0-9a-f]+$/i.test(text) && !/^[a-z]*:?\s*[\d. ]+$/i.test(text);
  const name = named(gpu.device) ? gpu.device : named(gpu.description) ? gpu.description : gpu.architecture || gpu.device;
  const vendor = slug(gpu.vendor);
  const device = slug(name);
  const gpuName = (device.startsWith(vendor) ? device : `${vendor}-${device}`).replace(/^-|-$/g, '') || 'unknown-gpu';
  return `${cpu}-${gpuName}`;
}

export function hardwareFingerprint(runtimes: Readonly<Record<string, string>>, gpu: GpuInfo | null): Hardware {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() || 'unknown CPU';
  const cores = Math.max(1, os.availableParallelism?.() ?? cpus.length);
  return {
    id: hardwareId(model, cores, gpu),
    cpu: { model, cores, speedMHz: cpus[0]?.speed ?? 0 },
    memoryBytes: os.totalmem(),
    os: { platform: os.platform(), release: os.release(), arch: os.arch() },
    node: process.version,
    runtimes: { ...runtimes },
    gpu,
  };
}
