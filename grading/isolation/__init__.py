"""Running students' code where it can reach nothing but itself.

Two programs run a submission, each inside a sandbox (`sandbox`): ``run_notebook`` executes the notebook
as nbgrader would, for the feedback and the gradebook's in-notebook results, and ``worker`` holds the
student's functions for the grader's own verification (`grading.verification`), answering calls over a
pipe in the safe encoding of `codec`. Nothing a sandboxed program returns is trusted: the verification
compares what the worker's functions return with `relu_reference`, in the grading process.

The two in-sandbox programs and `codec` import nothing from this repository: the sandbox holds only this
folder, the Python installation and, for the notebook, `relu_reference`.
"""
