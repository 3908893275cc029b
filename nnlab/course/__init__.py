"""Layer 2: course content: exercises, the notes' quotations and slips, the worked example,
the course map. Imports engine and core."""
