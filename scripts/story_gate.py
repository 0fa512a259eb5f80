"""Print the conversation accuracy of `rasa test` and fail unless it is 100 %."""

import json
import sys
from pathlib import Path

report = json.loads(Path(sys.argv[1] if len(sys.argv) > 1 else "results/stories/story_report.json").read_text())
accuracy = report["conversation_accuracy"]
print(f"conversation accuracy: {accuracy['correct']}/{accuracy['total']} stories")
sys.exit(0 if accuracy["total"] and accuracy["correct"] == accuracy["total"] else 1)
