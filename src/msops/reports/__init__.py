"""Documents made from analytics: SVG charts drawn here, HTML through Jinja2, PDF from the HTML."""
