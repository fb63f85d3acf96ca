
import django.db.models.deletion
import roadmap.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('roadmap', '0002_sector'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PartnershipBranding',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('accent', models.CharField(default='#1f5e43', help_text='#rrggbb', max_length=7, verbose_name='accentfärg')),
                ('logo', models.FileField(blank=True, storage=roadmap.models.branding_storage, upload_to='branding/', verbose_name='logotyp')),
                ('logo_content_type', models.CharField(blank=True, editable=False, max_length=40)),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='ändrad')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ändrad av')),
            ],
            options={
                'verbose_name': 'partnerskapets profil',
                'verbose_name_plural': 'partnerskapets profil',
                'constraints': [models.CheckConstraint(condition=models.Q(('pk', 1)), name='branding_single_row')],
            },
        ),
    ]
