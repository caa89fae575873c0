"""Video data: readers for real videos, the procedural shape-motion generator, clip sampling.

Every reader returns a (T, H, W, 3) uint8 numpy array; datasets yield that
array (or a clip of it) with an integer label.
"""

from .readers import read_frame_folder, read_strip, read_video, read_video_file
from .shapes import make_shape_video, shape_motion_videos
from .dataset import VideoDataset, sample_clip, scan_class_folders

__all__ = ["read_strip", "read_frame_folder", "read_video_file", "read_video",
           "make_shape_video", "shape_motion_videos",
           "VideoDataset", "sample_clip", "scan_class_folders"]
