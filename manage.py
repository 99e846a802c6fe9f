#!/usr/bin/env python
from biocampus.cli import main

if __name__ == "__main__":
    main()
