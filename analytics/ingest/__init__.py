"""Import: files of the data contract -> checked frames -> the warehouse, all or nothing."""
from .kinds import KINDS, LOAD_ORDER
from .load import BatchItem, frame_sha256, load_batch
from .problems import FileProblems, ImportRejected, Problem

__all__ = ["KINDS", "LOAD_ORDER", "BatchItem", "FileProblems", "ImportRejected", "Problem",
           "frame_sha256", "load_batch"]
