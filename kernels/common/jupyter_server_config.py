# Installed as /etc/jupyter/jupyter_server_config.py in every Kiln image.
#
# Open question for the servers issue: Debian's jupyter_server 1.23 + ipykernel 6.17 take
# ~48 ms per `pass` execution here. TCP_NODELAY on every tornado stream (at accept and at
# IOStream creation) and on the client did not change it (measured 2026-11-25), so the
# stall is not on the browser-facing socket; it stays to be found before the proxy
# benchmark (see the closing note).
c = get_config()  # noqa: F821 (provided by Jupyter's config loader)
c.ServerApp.open_browser = False
