FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
COPY requirements.lock ./
RUN pip install -r requirements.lock
COPY . .
RUN DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=collectstatic-only-$(head -c 48 /dev/urandom | base64 | tr -d '/+=') \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput

RUN useradd --create-home tienda && chown -R tienda /app
USER tienda
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
