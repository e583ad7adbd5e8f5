"""Documents made from analytics: SVG charts drawn here, HTML and Markdown through Jinja2 templates
(`templates/`), PDF from the HTML."""
