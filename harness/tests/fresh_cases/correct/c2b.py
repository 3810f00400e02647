#!/usr/bin/env python3
"""c2b: c2 (provider lock domain) that also refuses reads as busy while an operation is in flight."""
import runpy, sys, os
sys.argv.append("--reads-too")
runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "c2.py"), run_name="__main__")
