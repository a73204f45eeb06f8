normalize *.xml
