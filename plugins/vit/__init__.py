"""Vision transformer on small image sets: `model:ViT`, `data:Digits`, `data:CIFAR10`."""
