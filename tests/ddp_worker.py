"""Run by test_mocogan_train under torchrun: trains a tiny model, checks the ranks agree."""

import json
import sys

import torch
import torch.distributed as dist

from course_kit.mocogan.train import TrainConfig, train

out = sys.argv[1]
cfg = TrainConfig(data="shapes", procedural_videos=16, out=out, steps=3, video_batch=2, image_batch=4,
                  stride=1, checkpoint_every=3, sample_every=0, threads=1,
                  model=dict(ngf=8, ndf=8, n_frames=8))
trainer = train(cfg, progress=False)
# DDP keeps every rank's weights identical: compare a checksum of all parameters.
params = [trainer.model, trainer.d_image, trainer.d_video]
with torch.no_grad():
    checksum = torch.tensor([sum(float(p.double().sum()) for m in params for p in m.parameters())])
gathered = [torch.zeros(1, dtype=checksum.dtype) for _ in range(trainer.world)]
dist.all_gather(gathered, checksum)
if trainer.rank == 0:
    with open(f"{out}/ddp.json", "w") as f:
        json.dump({"world": trainer.world, "checksums": [float(g) for g in gathered]}, f)
trainer.close()  # what `course-kit train` does: without it gloo may abort the exit
