"""A stand-in for relu_reference inside the verification worker: importing it works, using it does not.

The worker that runs a student's functions for the grader's verification sees this package instead of the
real one, so a function that calls into relu_reference fails there, however it was written. The
instructor's setup cells still import (``import relu_reference as ref``, ``from relu_reference.checking
import check_matches``) because every name exists; only using one raises.
"""
import importlib.abc
import importlib.machinery
import sys


class ReferenceUnavailableError(RuntimeError):
    """relu_reference was used by code that the grader runs as the student's own work."""


class _Unavailable:
    def __init__(self, name):
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attribute):
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)
        return _Unavailable(f"{self._name}.{attribute}")

    def _refuse(self, *args, **kwargs):
        raise ReferenceUnavailableError(
            f"{self._name} was used: relu_reference is not available to your own functions while they are "
            "graded; write the computation yourself")

    __call__ = __getitem__ = __iter__ = __len__ = __bool__ = __float__ = __int__ = __array__ = _refuse

    def __repr__(self):
        return f"<unavailable {self._name}>"


def __getattr__(name):
    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(name)
    return _Unavailable(f"relu_reference.{name}")


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Every submodule (relu_reference.checking, relu_reference.network, ...) is a stub too."""

    def find_spec(self, fullname, path, target=None):
        if fullname.startswith("relu_reference."):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__path__ = []
        module.__getattr__ = lambda name: _Unavailable(f"{module.__name__}.{name}")


sys.meta_path.insert(0, _StubFinder())
