"""Layer 3: figures and explorers (matplotlib, ipywidgets). Imports course, engine and core."""
