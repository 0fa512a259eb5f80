"""Rasa custom actions: thin translations between the tracker and :mod:`backstride`."""
