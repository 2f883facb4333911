"""Maps the top-level folders to one installed namespace, ``latentroll.*``.

pyproject.toml holds the metadata; this file only computes the package list so that new
sub-packages are picked up without editing a static list. Folders that only hold data (the
shipped weights, the C++ decoding loop's source) are listed too, as namespace packages: their
files then install as package data without setuptools warning that the folder is not listed.
"""
from setuptools import find_namespace_packages, setup

TOP = ("core", "models", "app", "resources")

packages = []
package_dir = {}
for top in TOP:
    package_dir[f"latentroll.{top}"] = top
    packages.append(f"latentroll.{top}")
    packages += [f"latentroll.{top}.{sub}" for sub in find_namespace_packages(top, exclude=["__pycache__", "*.__pycache__"])]

setup(packages=packages, package_dir=package_dir)
