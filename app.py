"""Start the Gradio app: `python app.py [--host H] [--port P] [--no-auth]`."""

import sys

from assistant.ui import main

if __name__ == "__main__":
    sys.exit(main())
