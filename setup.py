"""Maps the top-level folders to one installed namespace, ``latentroll.*``.

pyproject.toml holds the metadata; this file only computes the package list so that new
sub-packages are picked up without editing a static list.
"""
from setuptools import find_packages, setup

TOP = ("core", "models", "app", "resources")

packages = []
package_dir = {}
for top in TOP:
    package_dir[f"latentroll.{top}"] = top
    packages.append(f"latentroll.{top}")
    packages += [f"latentroll.{top}.{sub}" for sub in find_packages(top)]

setup(packages=packages, package_dir=package_dir)
