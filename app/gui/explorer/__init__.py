"""The Latent Explorer (pyqtgraph): interpolation strip, corner grid and the 2-D latent map.

Importing this package imports pyqtgraph (~0.5 s): the app builds it only when the explorer
is first opened, after importing pyqtgraph in a worker."""
