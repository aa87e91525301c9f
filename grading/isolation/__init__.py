"""Running students' code where it can reach nothing but itself.

Every process that runs a student's code is started in a sandbox (`sandbox`). Two kinds run there: the
notebook's Jupyter kernel (`kernel`), which the grading process drives over Unix sockets, and the
verification worker (`worker`, driven through `workers`), which holds the student's functions and answers
the grader's calls in the plain-data encoding of `codec`. Nothing a sandboxed process says is trusted: the
grader compares what the worker's functions return with `relu_reference` itself (`grading.verification`).

``worker.py`` and `codec` import nothing from this repository: the sandbox holds only this folder, the
Python environment and `relu_reference` (or, for the worker, a stand-in for it in ``stub/``).
"""
