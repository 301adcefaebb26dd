"""Meetings, collective decisions under democratic centralism, organizational-life compliance and democratic life meetings."""
