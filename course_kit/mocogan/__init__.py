"""MoCoGAN: networks, the seeded generator model, training and evaluation."""

from .model import MoCoGAN, MoCoGANConfig, from_uint8_frames, to_uint8_frames
from .networks import ImageDiscriminator, ImageGenerator, VideoDiscriminator

__all__ = ["MoCoGAN", "MoCoGANConfig", "ImageGenerator", "ImageDiscriminator",
           "VideoDiscriminator", "to_uint8_frames", "from_uint8_frames"]
