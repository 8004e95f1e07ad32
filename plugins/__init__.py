"""Built-in flops-fit plugins: `gpt` (byte-level language model) and `vit` (image classifier).

Each folder pairs a TypeScript manifest (plugin.ts) with the Python it names:
`plugins.gpt.model:GPT`, `plugins.gpt.data:ByteCorpus`, `plugins.vit.model:ViT`,
`plugins.vit.data:Digits`, `plugins.vit.data:CIFAR10`. See docs/training.md for the contracts.
"""
