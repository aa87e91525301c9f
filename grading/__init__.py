"""The instructor's grading workflow: nbgrader's own steps, run so that no bad submission stops a class.

Run as ``python -m grading COMMAND`` (or through ``make``): ``assignments`` generates the student versions,
``autograde`` grades every submission, ``feedback`` writes the feedback pages, ``grades`` exports the CSV,
and ``report`` writes the class report. Each step is a thin layer over nbgrader's own converters, which
keep working directly (``nbgrader autograde ...``) with the same settings from ``nbgrader_config.py``.
"""
import sys

# jsonschema, which nbformat imports, loads rfc3987_syntax when it is installed, and that builds a grammar
# for 2.3 s at import, in every grading process: more than grading a notebook. The grader never checks URI
# formats, and jsonschema works without it.
sys.modules.setdefault("rfc3987_syntax", None)
