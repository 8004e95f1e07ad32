"""Factory functions for Hugging Face `transformers` models, sized by one argument.

    configs/hf-gpt2.yaml    model: { target: "hf_models:gpt2",  size_param: n_embd }
    configs/hf-llama.yaml   model: { target: "hf_models:llama", size_param: hidden_size }

The models themselves are used unchanged (GPT2LMHeadModel, LlamaForCausalLM); the only code
a sweep needs is this: a function that turns keyword arguments into the model's config. The
argument names are the config's own, so flops-fit fills `vocab_size` and the context length
(`n_positions`, `max_position_embeddings`) from the data's hints (vocab_size, seq_len).
Dropout is off (as in scaling-law sweeps); everything else keeps the library's defaults.
"""
from __future__ import annotations

from torch import nn


def gpt2(n_embd: int, n_layer: int = 2, n_head: int = 2, vocab_size: int = 50257, n_positions: int = 1024,
         dropout: float = 0.0) -> nn.Module:
    """GPT-2 (Radford et al. 2019) at width n_embd; n_head must divide n_embd."""
    from transformers import GPT2Config, GPT2LMHeadModel

    config = GPT2Config(n_embd=n_embd, n_layer=n_layer, n_head=n_head, vocab_size=vocab_size, n_positions=n_positions,
                        resid_pdrop=dropout, embd_pdrop=dropout, attn_pdrop=dropout,
                        bos_token_id=vocab_size - 1, eos_token_id=vocab_size - 1)
    return GPT2LMHeadModel(config)


def llama(hidden_size: int, num_hidden_layers: int = 2, num_attention_heads: int = 2, vocab_size: int = 32000,
          max_position_embeddings: int = 2048, mlp_ratio: float = 8 / 3) -> nn.Module:
    """Llama (Touvron et al. 2023) at width hidden_size: SwiGLU MLP of about mlp_ratio·hidden_size
    (rounded to a multiple of 8), RoPE, RMSNorm. RoPE needs an even head dimension, so
    hidden_size must be a multiple of 2·num_attention_heads."""
    from transformers import LlamaConfig, LlamaForCausalLM

    intermediate = max(8, round(mlp_ratio * hidden_size / 8) * 8)
    config = LlamaConfig(hidden_size=hidden_size, intermediate_size=intermediate, num_hidden_layers=num_hidden_layers,
                         num_attention_heads=num_attention_heads, vocab_size=vocab_size,
                         max_position_embeddings=max_position_embeddings,
                         bos_token_id=0, eos_token_id=0, pad_token_id=None)
    return LlamaForCausalLM(config)
