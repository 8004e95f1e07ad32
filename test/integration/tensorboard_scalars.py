"""Prints what TensorBoard shows of event-file folders, read with TensorBoard's own reader:
{folder: {"scalars": {tag: [[step, value], ...]}, "images": [tag, ...], "texts": [tag, ...]}}."""
import json
import sys

from tensorboard.backend.event_processing.event_accumulator import IMAGES, SCALARS, TENSORS, EventAccumulator

shown = {}
for folder in sys.argv[1:]:
    reader = EventAccumulator(folder, size_guidance={SCALARS: 0, IMAGES: 0, TENSORS: 0})
    reader.Reload()
    tags = reader.Tags()
    shown[folder] = {
        "scalars": {tag: [[event.step, event.value] for event in reader.Scalars(tag)] for tag in tags["scalars"]},
        "images": sorted(tags["images"]),
        "texts": sorted(tag for tag in tags["tensors"] if tag.endswith("/text_summary")),
    }
print(json.dumps(shown))
