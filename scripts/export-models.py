#!/usr/bin/env python3
"""Exports public model architectures to ONNX as user models for graph-compiler-bench.

  (a) two vision models of similar FLOPs from torchvision, random weights (weights=None, no network):
      convnext_tiny (4.5 GFLOPs) and swin_t (4.5 GFLOPs); when swin_t does not export under the local
      torch, timm's vit_small_patch16_224 (4.6 GFLOPs) if timm is importable, else resnet50 (4.1 GFLOPs).
      Input `pixel_values` float32 [batch, 3, 224, 224], dynamic batch.
  (b) one transformer with int64 `input_ids` and `attention_mask`, dynamic batch and sequence:
      transformers' BertModel(BertConfig(small sizes)) when importable, else the same architecture
      written with torch.nn (embeddings, self-attention with the additive padding mask, GELU MLP).

Writes <out>/<name>.onnx and <out>/manifest.json ({"models": [{name, file, kind, gflops, params, ...}]}),
which the spec files under examples/user-models/ read. The default <out> is .cache/user-models/
(git-ignored). `--external-data` stores weights in a file beside each model (how models over 2 GB are
stored), so loading by path is exercised.

  /usr/bin/python3 scripts/export-models.py                 # this CPU machine (Debian torch 1.13)
  python3 scripts/export-models.py --external-data          # the GPU machine (torch 2.x, transformers)
"""
from __future__ import annotations

import argparse
import inspect
import json
import math
import sys
import traceback
from pathlib import Path

import torch
from torch import nn

OPSET = 17
IMAGE = (3, 224, 224)
BERT = dict(vocab_size=30522, hidden_size=128, num_hidden_layers=2, num_attention_heads=2, intermediate_size=512, max_position_embeddings=512)


def log(message: str) -> None:
    print(f'export-models: {message}', flush=True)


def export(model: nn.Module, args: tuple, path: Path, input_names: list[str], output_names: list[str], dynamic: dict[str, dict[int, str]]) -> None:
    """The TorchScript exporter where it exists (it takes dynamic_axes), else the dynamo exporter."""
    model.eval()
    kwargs = dict(input_names=input_names, output_names=output_names, dynamic_axes=dynamic, opset_version=OPSET, do_constant_folding=True)
    has_dynamo = 'dynamo' in inspect.signature(torch.onnx.export).parameters
    with torch.no_grad():
        if not has_dynamo:
            torch.onnx.export(model, args, str(path), **kwargs)
            return
        try:
            torch.onnx.export(model, args, str(path), dynamo=False, **kwargs)
        except Exception as error:  # a torch without the TorchScript exporter: the dynamo one (it converts dynamic_axes)
            log(f'TorchScript exporter failed ({type(error).__name__}); trying dynamo=True')
            torch.onnx.export(model, args, str(path), dynamo=True, input_names=input_names, output_names=output_names, dynamic_axes=dynamic, opset_version=18)


def check(path: Path, external: bool) -> None:
    import onnx

    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    if external:
        # Weights into one file beside the model, as exporters store models over 2 GB.
        onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True, location=f'{path.stem}.weights.bin', size_threshold=1024)


def params_of(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def vision(out: Path, external: bool) -> list[dict]:
    import torchvision

    exported = []
    x = torch.randn(1, *IMAGE)
    dynamic = {'pixel_values': {0: 'batch'}, 'logits': {0: 'batch'}}

    def one(name: str, build, gflops: float, source: str) -> bool:
        path = out / f'{name}.onnx'
        try:
            model = build()
            export(model, (x,), path, ['pixel_values'], ['logits'], dynamic)
            check(path, external)
        except Exception as error:  # an architecture the local exporter cannot handle: say so, try the next
            log(f'{name} did not export ({type(error).__name__}: {str(error).splitlines()[0] if str(error) else ""})')
            path.unlink(missing_ok=True)
            return False
        exported.append({'name': name, 'file': path.name, 'kind': 'vision', 'source': source, 'gmacs': gflops, 'params': params_of(model)})
        log(f'{name}: {path} ({params_of(model) / 1e6:.1f} M parameters, {gflops} GMACs, as torchvision counts)')
        return True

    torch.manual_seed(0)
    if not one('convnext-t', lambda: torchvision.models.convnext_tiny(weights=None), 4.5, 'torchvision convnext_tiny'):
        raise SystemExit('export-models: convnext_tiny must export; see the message above')
    if one('swin-t', lambda: torchvision.models.swin_t(weights=None), 4.5, 'torchvision swin_t'):
        return exported
    try:
        import timm

        if one('vit-s16', lambda: timm.create_model('vit_small_patch16_224', pretrained=False), 4.6, 'timm vit_small_patch16_224'):
            return exported
    except ImportError:
        log('timm is not importable; using resnet50')
    if not one('resnet50', lambda: torchvision.models.resnet50(weights=None), 4.1, 'torchvision resnet50'):
        raise SystemExit('export-models: no second vision model exported')
    return exported


class TinyBert(nn.Module):
    """BERT's architecture in torch.nn: word + position + token-type embeddings, post-norm encoder layers."""

    def __init__(self, vocab_size: int, hidden_size: int, num_hidden_layers: int, num_attention_heads: int, intermediate_size: int, max_position_embeddings: int):
        super().__init__()
        self.heads = num_attention_heads
        self.word = nn.Embedding(vocab_size, hidden_size)
        self.position = nn.Embedding(max_position_embeddings, hidden_size)
        self.token_type = nn.Embedding(2, hidden_size)
        self.norm = nn.LayerNorm(hidden_size, eps=1e-12)
        self.layers = nn.ModuleList(
            nn.ModuleDict(
                dict(
                    qkv=nn.Linear(hidden_size, 3 * hidden_size),
                    out=nn.Linear(hidden_size, hidden_size),
                    norm1=nn.LayerNorm(hidden_size, eps=1e-12),
                    up=nn.Linear(hidden_size, intermediate_size),
                    down=nn.Linear(intermediate_size, hidden_size),
                    norm2=nn.LayerNorm(hidden_size, eps=1e-12),
                )
            )
            for _ in range(num_hidden_layers)
        )
        self.pooler = nn.Linear(hidden_size, hidden_size)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        batch, seq = input_ids.shape
        positions = torch.arange(seq, device=input_ids.device).unsqueeze(0)
        h = self.norm(self.word(input_ids) + self.position(positions) + self.token_type(torch.zeros_like(input_ids)))
        # Padding tokens get -10000 before the softmax, as BERT's extended attention mask does.
        bias = (1.0 - attention_mask[:, None, None, :].to(h.dtype)) * -10000.0
        width = h.shape[-1] // self.heads
        for layer in self.layers:
            q, k, v = layer['qkv'](h).split(h.shape[-1], dim=-1)
            split = lambda t: t.reshape(batch, seq, self.heads, width).transpose(1, 2)
            scores = split(q) @ split(k).transpose(-1, -2) / math.sqrt(width) + bias
            context = (scores.softmax(-1) @ split(v)).transpose(1, 2).reshape(batch, seq, -1)
            h = layer['norm1'](h + layer['out'](context))
            h = layer['norm2'](h + layer['down'](nn.functional.gelu(layer['up'](h))))
        return h, torch.tanh(self.pooler(h[:, 0]))


def transformer(out: Path, external: bool) -> dict:
    torch.manual_seed(0)
    try:
        from transformers import BertConfig, BertModel

        config = BertConfig(**BERT)
        # Eager attention exports everywhere (SDPA's export differs between versions).
        try:
            config._attn_implementation = 'eager'
        except Exception:
            pass
        model = BertModel(config)
        source = 'transformers BertModel(BertConfig(hidden 128, 2 layers, 2 heads))'
    except ImportError:
        model = TinyBert(**BERT)
        source = 'torch.nn BERT (hidden 128, 2 layers, 2 heads): transformers is not importable'

    class Wrapped(nn.Module):
        """Two named outputs whatever the model returns (a ModelOutput for transformers)."""

        def __init__(self, inner: nn.Module):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            result = self.inner(input_ids=input_ids, attention_mask=attention_mask)
            if isinstance(result, tuple):
                return result[0], result[1]
            return result.last_hidden_state, result.pooler_output

    ids = torch.randint(0, BERT['vocab_size'], (2, 16), dtype=torch.int64)
    mask = torch.ones(2, 16, dtype=torch.int64)
    path = out / 'bert-tiny.onnx'
    dynamic = {
        'input_ids': {0: 'batch', 1: 'sequence'},
        'attention_mask': {0: 'batch', 1: 'sequence'},
        'last_hidden_state': {0: 'batch', 1: 'sequence'},
        'pooler_output': {0: 'batch'},
    }
    names = (['input_ids', 'attention_mask'], ['last_hidden_state', 'pooler_output'])
    try:
        export(Wrapped(model), (ids, mask), path, *names, dynamic)
    except Exception as error:
        if isinstance(model, TinyBert):
            raise
        log(f'BertModel did not export ({type(error).__name__}: {str(error).splitlines()[0] if str(error) else ""}); exporting the torch.nn BERT')
        model = TinyBert(**BERT)
        source = 'torch.nn BERT (hidden 128, 2 layers, 2 heads): transformers BertModel did not export'
        export(Wrapped(model), (ids, mask), path, *names, dynamic)
    check(path, external)
    # Per token: 2 x (4 h^2 attention projections + 2 h i MLP) per layer, plus 2 x 2 seq h attention matmuls.
    h, i, layers = BERT['hidden_size'], BERT['intermediate_size'], BERT['num_hidden_layers']
    log(f'bert-tiny: {path} ({params_of(model) / 1e6:.1f} M parameters; {source})')
    return {
        'name': 'bert-tiny',
        'file': path.name,
        'kind': 'transformer',
        'source': source,
        'vocabSize': BERT['vocab_size'],
        'gflopsPerToken': round(2 * layers * (4 * h * h + 2 * h * i) / 1e9, 6),
        'params': params_of(model),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--out', default='.cache/user-models', help='output folder (default .cache/user-models, git-ignored)')
    parser.add_argument('--external-data', action='store_true', help='store each model\'s weights in <name>.weights.bin beside it')
    parser.add_argument('--only', choices=['vision', 'transformer'], help='export one kind only')
    options = parser.parse_args()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    log(f'torch {torch.__version__}; writing to {out}')
    models = []
    try:
        if options.only in (None, 'vision'):
            models += vision(out, options.external_data)
        if options.only in (None, 'transformer'):
            models.append(transformer(out, options.external_data))
    except SystemExit:
        raise
    except Exception:
        traceback.print_exc()
        return 1
    manifest = out / 'manifest.json'
    previous = json.loads(manifest.read_text())['models'] if manifest.exists() else []
    kept = [m for m in previous if m['name'] not in {n['name'] for n in models} and (out / m['file']).exists()]
    # The vision pair is whichever two exported: the spec files read them from here.
    manifest.write_text(json.dumps({'externalData': options.external_data, 'models': sorted(kept + models, key=lambda m: m['name']), 'torch': torch.__version__}, indent=2, sort_keys=True) + '\n')
    log(f'wrote {manifest}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
