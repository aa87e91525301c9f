"""The preprocessors ``nbgrader_config.py`` puts into nbgrader's autograding.

``OverwriteCells`` (`overwrite_cells`) trusts no nbgrader metadata of a submission and repairs nbgrader's
own, ``SandboxedExecute`` (`sandboxed_execute`) runs a notebook in the sandbox instead of next to the
gradebook, without its hidden tests, and ``ApplyVerification`` (`apply_verification`) replaces each test
cell's in-notebook result by the grader's own verdict where they differ.
"""
from .apply_verification import SECRET_FILE, ApplyVerification, Override
from .overwrite_cells import OverwriteCells
from .sandboxed_execute import SandboxedExecute, require_sandbox

__all__ = ["SECRET_FILE", "ApplyVerification", "OverwriteCells", "Override", "SandboxedExecute",
           "require_sandbox"]
